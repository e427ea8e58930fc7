package io.accrue.contract.contracts;

import java.math.BigDecimal;

import jakarta.persistence.Column;
import jakarta.persistence.Embeddable;

/** A negotiated price for one model or one meter: a discount off list, or a fixed unit price. */
@Embeddable
public class NegotiatedRate {

    /** {@code model} or {@code meter}. */
    @Column(name = "target_type", nullable = false)
    public String targetType;

    @Column(nullable = false)
    public String target;

    /** {@code discount_percent} or {@code fixed_unit_price}. */
    @Column(nullable = false)
    public String kind;

    @Column(nullable = false, precision = 24, scale = 12)
    public BigDecimal value;
}
