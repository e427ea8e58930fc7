package io.accrue.invoice.coupon;

import java.time.Instant;

import jakarta.persistence.Column;
import jakarta.persistence.MappedSuperclass;

/**
 * What a coupon and a promotion code both have (V20 gives both tables these columns): a redemption limit counted by
 * one guarded UPDATE per redemption, an active flag, and who created and deactivated it (the audit of operator writes
 * kept on the row).
 */
@MappedSuperclass
public abstract class Redeemable {

    @Column(name = "max_redemptions")
    public Integer maxRedemptions;

    @Column(name = "times_redeemed", nullable = false)
    public int timesRedeemed;

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
