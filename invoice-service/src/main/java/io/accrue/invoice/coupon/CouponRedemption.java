package io.accrue.invoice.coupon;

import java.time.Instant;
import java.util.UUID;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

import org.hibernate.annotations.Generated;

/** An organisation's redemption of a coupon (V20); {@code seq} is the redemption order the closes apply. */
@Entity
@Table(name = "coupon_redemptions")
public class CouponRedemption {

    @Id
    public UUID id;

    @Generated
    @Column(insertable = false, updatable = false)
    public Long seq;

    @Column(name = "org_id", nullable = false)
    public String orgId;

    @Column(name = "coupon_id", nullable = false)
    public UUID couponId;

    @Column(name = "promotion_code_id")
    public UUID promotionCodeId;

    @Column(name = "redeemed_at", nullable = false)
    public Instant redeemedAt;

    @Column(name = "redeemed_by", nullable = false)
    public String redeemedBy;
}
