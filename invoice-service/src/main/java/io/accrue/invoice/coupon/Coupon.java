package io.accrue.invoice.coupon;

import java.math.BigDecimal;
import java.time.Instant;
import java.util.UUID;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

import io.accrue.invoice.compute.AppliedCoupon;
import io.accrue.invoice.compute.AppliedCoupon.AppliesTo;
import io.accrue.invoice.compute.AppliedCoupon.Kind;

/** A coupon an operator created (V20); {@code timesRedeemed} is raised by one guarded UPDATE per redemption. */
@Entity
@Table(name = "coupons")
public class Coupon extends Redeemable {

    @Id
    public UUID id;

    @Column(nullable = false)
    public String name;

    @Column(nullable = false)
    public Kind kind;

    @Column(name = "percent_off")
    public BigDecimal percentOff;

    @Column(name = "amount_off")
    public BigDecimal amountOff;

    @Column(columnDefinition = "bpchar")
    public String currency;

    @Column(name = "applies_to", nullable = false)
    public AppliesTo appliesTo;

    @Column(nullable = false)
    public CouponDuration duration;

    @Column(name = "duration_periods")
    public Integer durationPeriods;

    @Column(name = "redeem_by")
    public Instant redeemBy;

    /** The coupon as one close applies it for {@code redemptionId}. */
    AppliedCoupon applied(UUID redemptionId) {
        return new AppliedCoupon(redemptionId.toString(), name, kind,
                kind == Kind.PERCENT_OFF ? percentOff : amountOff, currency, appliesTo);
    }
}
