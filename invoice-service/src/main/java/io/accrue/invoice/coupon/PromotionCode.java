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
public class PromotionCode {

    @Id
    public UUID id;

    @Column(name = "coupon_id", nullable = false)
    public UUID couponId;

    @Column(nullable = false)
    public String code;

    @Column(name = "org_id")
    public String orgId;

    @Column(name = "max_redemptions")
    public Integer maxRedemptions;

    @Column(name = "times_redeemed", nullable = false)
    public int timesRedeemed;

    @Column(name = "expires_at")
    public Instant expiresAt;

    @Column(nullable = false)
    public boolean active;

    @Column(name = "created_at", nullable = false)
    public Instant createdAt;

    @Column(name = "created_by", nullable = false)
    public String createdBy;

    @Column(name = "deactivated_at")
    public Instant deactivatedAt;

    @Column(name = "deactivated_by")
    public String deactivatedBy;
}
