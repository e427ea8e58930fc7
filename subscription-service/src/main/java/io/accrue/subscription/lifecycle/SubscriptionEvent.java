package io.accrue.subscription.lifecycle;

import java.time.Instant;
import java.util.UUID;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

import org.hibernate.annotations.Generated;

/** One entry of the append-only timeline (the database refuses updates and deletes). */
@Entity
@Table(name = "subscription_events")
public class SubscriptionEvent {

    @Id
    public UUID id;

    /** Assigned by the database; orders events sharing an instant and keys the cursor. */
    @Generated
    @Column(insertable = false, updatable = false)
    public Long seq;

    @Column(name = "org_id", nullable = false)
    public String orgId;

    @Column(nullable = false)
    public String type;

    @Column(name = "occurred_at", nullable = false)
    public Instant occurredAt;

    /** When the change takes effect for billing (the period end for changes scheduled at period end). */
    @Column(name = "effective_at", nullable = false)
    public Instant effectiveAt;

    @Column(name = "plan_slug", nullable = false)
    public String planSlug;

    @Column(name = "plan_version", nullable = false)
    public int planVersion;

    @Column(name = "from_status")
    public SubscriptionStatus fromStatus;

    @Column(name = "to_status")
    public SubscriptionStatus toStatus;

    @Column(columnDefinition = "bpchar")
    public String currency;

    public String reason;

    @Column(nullable = false)
    public String actor;
}
