package io.accrue.invoice.fx;

import java.math.BigDecimal;
import java.time.Instant;
import java.time.LocalDate;
import java.util.UUID;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

/** A recorded reference rate: 1 {@code base} = {@code rate} {@code quote} on {@code rateDate}. */
@Entity
@Table(name = "exchange_rates")
public class ExchangeRate {

    @Id
    public UUID id;

    @Column(name = "base_currency", nullable = false)
    public String base;

    @Column(name = "quote_currency", nullable = false)
    public String quote;

    @Column(name = "rate_date", nullable = false)
    public LocalDate rateDate;

    @Column(nullable = false)
    public BigDecimal rate;

    @Column(nullable = false)
    public String source;

    @Column(name = "recorded_at", nullable = false)
    public Instant recordedAt;

    @Column(name = "recorded_by", nullable = false)
    public String recordedBy;

    DatedRate dated() {
        return new DatedRate(base, quote, rateDate, rate, source);
    }
}
