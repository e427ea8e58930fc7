package io.accrue.contract.drawdown;

import java.math.BigDecimal;
import java.time.Instant;
import java.util.UUID;

import jakarta.validation.Valid;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Size;

import io.accrue.contract.money.Money;
import io.accrue.contract.money.MoneyInput;

public final class DrawdownRequests {

    private DrawdownRequests() {
    }

    /**
     * What invoice-service posts when it closes a period of an organisation under contract; {@code reservation}
     * names the credit reservation the close made, which this drawdown consumes.
     */
    public record RecordDrawdown(
            @NotBlank @Size(max = 128) String invoiceId,
            @NotNull Instant periodStart,
            @NotNull Instant periodEnd,
            @NotNull @Valid MoneyInput amount,
            @Valid MoneyInput creditsApplied,
            @Size(max = 128) String reservation) {}

    public record DrawdownView(UUID id, UUID contractId, String invoiceId, Instant periodStart, Instant periodEnd,
            Instant commitmentPeriodStart, Money amount, Money creditsApplied, boolean afterTrueUp, Instant recordedAt,
            String recordedBy) {

        public static DrawdownView of(Drawdown d) {
            return new DrawdownView(d.id, d.contractId, d.invoiceId, d.periodStart, d.periodEnd, d.windowStart,
                    Money.of(d.amount, d.currency), Money.of(d.creditsApplied, d.currency), d.afterTrueUp,
                    d.recordedAt, d.recordedBy);
        }
    }

    /** The answer and whether it is a replay of an earlier post. */
    public record Recorded(DrawdownView drawdown, boolean replayed) {}

    static BigDecimal amountOrZero(MoneyInput m) {
        return m == null ? BigDecimal.ZERO : m.amount();
    }
}
