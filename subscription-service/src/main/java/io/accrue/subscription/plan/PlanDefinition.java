package io.accrue.subscription.plan;

import java.time.Instant;
import java.util.UUID;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

/**
 * One version of a plan. Rows are never updated except for the archived flag: a change to a plan is a new row
 * with the next version, so an invoice of a past period prices with what the subscriber actually had.
 */
@Entity
@Table(name = "plan_definitions")
public class PlanDefinition {

    @Id
    public UUID id;

    @Column(nullable = false)
    public String slug;

    @Column(nullable = false)
    public int version;

    @Column(nullable = false)
    public String name;

    @Column(nullable = false)
    public String tier;

    @Column(name = "billing_model", nullable = false)
    public String billingModel;

    @Column(name = "billing_interval", nullable = false)
    public String interval;

    /** JSON documents (see {@link PlanJson}); read and written whole. */
    @Column(name = "base_prices", nullable = false)
    public String basePrices;

    @Column(nullable = false)
    public String allowances;

    @Column(nullable = false)
    public String overage;

    @Column(nullable = false)
    public String entitlements;

    @Column(name = "stripe_price_ids", nullable = false)
    public String stripePriceIds;

    @Column(nullable = false)
    public boolean archived;

    @Column(name = "created_at", nullable = false)
    public Instant createdAt;

    @Column(name = "created_by", nullable = false)
    public String createdBy;
}
