package io.accrue.invoice.fx;

import java.math.BigDecimal;
import java.time.LocalDate;

/**
 * The rate a conversion used: 1 {@code from} = {@code rate} {@code to}, the reference rate of {@code date}, from
 * {@code source} (e.g. {@code ECB}, {@code ECB (cross via EUR)}, {@code operator}). Stored on each converted line.
 */
public record FxRate(String from, String to, BigDecimal rate, LocalDate date, String source) {

    public FxRate {
        if (rate.signum() <= 0) {
            throw new IllegalArgumentException("an exchange rate is positive");
        }
    }

    /** The exact converted amount, unrounded: the invoice line rounds it once, like any other line. */
    public BigDecimal convert(BigDecimal amountInFrom) {
        return amountInFrom.multiply(rate);
    }
}
