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
 */
public record ContractTerms(String contractId, int version, String currency, Commitment commitment,
        List<NegotiatedRate> rates, BigDecimal prepaidCreditBalance) {

    public ContractTerms {
        rates = rates == null ? List.of() : List.copyOf(rates);
        prepaidCreditBalance = prepaidCreditBalance == null ? BigDecimal.ZERO : prepaidCreditBalance;
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
