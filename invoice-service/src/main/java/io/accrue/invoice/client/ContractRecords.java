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

    public record Drawdown(UUID invoiceId, Instant periodStart, Instant periodEnd, BigDecimal amount,
            BigDecimal creditsApplied) {}
}
