package io.accrue.contract.credits;

import java.time.Instant;
import java.util.UUID;

import jakarta.validation.Valid;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Size;

import io.accrue.contract.money.Money;
import io.accrue.contract.money.MoneyInput;

public final class CreditRequests {

    private CreditRequests() {
    }

    /** Reserve as much of the balance as is left, up to {@code upTo} (what the invoice could pay with credits). */
    public record ReserveCredits(@NotNull @Valid MoneyInput upTo) {}

    public record ReservationView(UUID id, UUID contractId, String reference, Money amount, String status,
            String invoiceId, Instant createdAt, Instant updatedAt) {

        static ReservationView of(CreditReservation r) {
            return new ReservationView(r.id, r.contractId, r.reference, Money.of(r.amount, r.currency),
                    r.status.wire(), r.invoiceId, r.createdAt, r.updatedAt);
        }
    }

    /**
     * A credit note gives back, once per credit note, credits the invoice applied ({@code amount}, to the balance)
     * and the commitment consumption of the usage it credits ({@code consumption}, optional). At least one is
     * positive.
     */
    public record ReturnCredits(@NotBlank @Size(max = 128) String creditNoteId,
            @NotBlank @Size(max = 128) String invoiceId, @NotNull @Valid MoneyInput amount,
            @Valid MoneyInput consumption) {

        public ReturnCredits(String creditNoteId, String invoiceId, MoneyInput amount) {
            this(creditNoteId, invoiceId, amount, null);
        }
    }

    public record ReturnView(UUID id, UUID contractId, String creditNoteId, String invoiceId, Money amount,
            Money consumption, Instant windowStart, Instant recordedAt, String recordedBy) {

        static ReturnView of(CreditReturn r) {
            return new ReturnView(r.id, r.contractId, r.creditNoteId, r.invoiceId, Money.of(r.amount, r.currency),
                    Money.of(r.consumption, r.currency), r.windowStart, r.recordedAt, r.recordedBy);
        }
    }

    public record ReturnRecorded(ReturnView creditReturn, boolean replayed) {}
}
