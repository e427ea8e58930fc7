package io.accrue.invoice.coupon;

import java.time.Instant;
import java.util.UUID;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

/** A customer-facing code of a coupon (V20): unique regardless of case, optionally for one organisation only. */
@Entity
@Table(name = "promotion_codes")
public class PromotionCode extends Redeemable {

    @Id
    public UUID id;

    @Column(name = "coupon_id", nullable = false)
    public UUID couponId;

    @Column(nullable = false)
    public String code;

    @Column(name = "org_id")
    public String orgId;

    @Column(name = "expires_at")
    public Instant expiresAt;
}
