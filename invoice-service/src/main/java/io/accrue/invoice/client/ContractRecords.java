package io.accrue.invoice.client;

import java.math.BigDecimal;
import java.time.Instant;
import java.util.List;
import java.util.UUID;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;

/** What invoice-service reads from and writes to contract-service (docs/internal-apis.md). */
public final class ContractRecords {

    private ContractRecords() {
    }

    /**
     * The credit reservation of an account-period at contract-service: one per period, so a retried close resizes
     * the reservation it made before instead of holding credits twice.
     */
    public static String reservationReference(Instant periodStart, Instant periodEnd) {
        return "period-" + periodStart.getEpochSecond() + "-" + periodEnd.getEpochSecond();
    }

    @JsonIgnoreProperties(ignoreUnknown = true)
    public record Terms(String contractId, int version, String currency, Instant termStart, Instant termEnd,
            Commitment commitment, List<Rate> negotiatedRates, MoneyValue prepaidCreditBalance,
            List<Minimum> minimums) {}

    /** A minimum spend and its window containing the asked instant (amount prorated for a stub window). */
    @JsonIgnoreProperties(ignoreUnknown = true)
    public record Minimum(String period, MoneyValue amount, Instant periodStart, Instant periodEnd) {}

    @JsonIgnoreProperties(ignoreUnknown = true)
    public record Commitment(MoneyValue amount, String period, Instant periodStart, Instant periodEnd) {}

    @JsonIgnoreProperties(ignoreUnknown = true)
    public record Rate(String meter, String model, String kind, BigDecimal value) {}

    /** @param reservation the credit reservation the close made (consumed by this drawdown), or null */
    public record Drawdown(UUID invoiceId, Instant periodStart, Instant periodEnd, BigDecimal amount,
            BigDecimal creditsApplied, String reservation) {}

    /** Hold as much of the credit balance as is left, up to {@code upTo}. */
    public record ReserveCredits(BigDecimal upTo) {}

    /** @param status held, consumed (its invoice's drawdown arrived) or released */
    @JsonIgnoreProperties(ignoreUnknown = true)
    public record Reservation(String reference, String contractId, MoneyValue amount, String status) {}

    /** Credits a credit note gives back to the balance; idempotent per credit note. */
                                                                                       /** What a credit note gives back: credits to the balance and the commitment consumption of its usage. */
    public record CreditReturn(UUID creditNoteId, UUID invoiceId, BigDecimal amount, BigDecimal consumption) {}
}
