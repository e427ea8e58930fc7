package io.accrue.invoice.fx;

import java.math.BigDecimal;
import java.time.LocalDate;

/** A stored rate as {@link RateRule} reads it: 1 {@code base} = {@code rate} {@code quote} on {@code date}. */
public record DatedRate(String base, String quote, LocalDate date, BigDecimal rate, String source) {}
