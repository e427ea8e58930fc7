package io.accrue.invoice.compute;

import java.math.BigDecimal;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * The enterprise contract terms in effect for a period.
 *
 * @param commitment committed spend over a commitment window, or null
 * @param prepaidCreditBalance prepaid credits still available, applied after all charges
 * @param minimums minimum spend per window (monthly, quarterly, annual), each with its window containing the period
 */
public record ContractTerms(String contractId, int version, String currency, Commitment commitment,
        List<NegotiatedRate> rates, BigDecimal prepaidCreditBalance, List<MinimumSpend> minimums) {

    public ContractTerms {
        rates = rates == null ? List.of() : List.copyOf(rates);
        prepaidCreditBalance = prepaidCreditBalance == null ? BigDecimal.ZERO : prepaidCreditBalance;
        minimums = minimums == null ? List.of() : List.copyOf(minimums);
    }

    public ContractTerms(String contractId, int version, String currency, Commitment commitment,
            List<NegotiatedRate> rates, BigDecimal prepaidCreditBalance) {
        this(contractId, version, currency, commitment, rates, prepaidCreditBalance, List.of());
    }

    /** These terms with the minimums' spend of earlier invoices filled in (by the close, from its own invoices). */
    public ContractTerms withMinimums(List<MinimumSpend> filled) {
        return new ContractTerms(contractId, version, currency, commitment, rates, prepaidCreditBalance, filled);
    }

    /**
     * A minimum spend: {@code amount} over the window {@code [windowStart, windowEnd)} (prorated for a stub by
     * contract-service); {@code spentBefore} is what earlier invoices of the window charged toward it.
     *
     * @param period monthly | quarterly | annual
     */
    public record MinimumSpend(String period, BigDecimal amount, Instant windowStart, Instant windowEnd,
            BigDecimal spentBefore) {

        public MinimumSpend {
            spentBefore = spentBefore == null ? BigDecimal.ZERO : spentBefore;
        }

        /** Shorter windows first: a monthly top-up counts toward the quarterly and annual minimums, not back. */
        public int months() {
            return switch (period) {
                case "monthly" -> 1;
                case "quarterly" -> 3;
                case "annual" -> 12;
                default -> throw new IllegalArgumentException("unknown minimum period " + period);
            };
        }

        public MinimumSpend withSpentBefore(BigDecimal spent) {
            return new MinimumSpend(period, amount, windowStart, windowEnd, spent);
        }
    }

    public Optional<NegotiatedRate> rateForMeter(String meter) {
        return rates.stream().filter(r -> meter.equals(r.meter())).findFirst();
    }

    public Optional<NegotiatedRate> rateForModel(String model) {
        return rates.stream().filter(r -> model.equals(r.model())).findFirst();
    }

    public record Commitment(BigDecimal amount, Instant periodStart, Instant periodEnd) {}

    /**
     * @param kind discount_percent (value = percent off the list price) or fixed_unit_price (value replaces the
     *        list price: per package for a meter, per token for a model)
     */
    public record NegotiatedRate(String meter, String model, String kind, BigDecimal value) {}
}
