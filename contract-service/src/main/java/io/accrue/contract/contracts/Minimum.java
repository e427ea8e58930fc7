package io.accrue.contract.contracts;

import java.math.BigDecimal;

import jakarta.persistence.Column;
import jakarta.persistence.Embeddable;

/** A minimum spend per billing window (monthly, quarterly or annual) that invoice-service tops up to. */
@Embeddable
public class Minimum {

    @Column(nullable = false)
    public String period;

    @Column(nullable = false, precision = 24, scale = 12)
    public BigDecimal amount;
}
