package io.accrue.invoice.fx;

import java.time.LocalDate;

/**
 * How a period's provider cost (recorded in {@code from}, the pricing catalog's currency) becomes money of the
 * invoice currency {@code to}: through {@code rate}, or, when none is recorded for the period's rate day, not at
 * all — {@link #require()} then fails the close. Looked up before the computation so the calculator stays pure;
 * only cost-plus lines ever need it (count-based charges never depend on the cost's currency).
 */
public record CostConversion(String from, String to, LocalDate day, int maxAgeDays, FxRate rate) {

    /** The rate to convert with, or the close's typed failure. */
    public FxRate require() {
        if (rate == null) {
            throw new MissingExchangeRate(from, to, day, maxAgeDays);
        }
        return rate;
    }
}
