package io.accrue.subscription.lifecycle;

import java.time.Instant;
import java.util.UUID;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.PostLoad;
import jakarta.persistence.Table;
import jakarta.persistence.Transient;
import jakarta.persistence.Version;

/** The current state of an organisation's subscription; how it got there is in {@link SubscriptionEvent}. */
@Entity
@Table(name = "subscriptions")
public class Subscription {

    @Id
    public UUID id;

    @Column(name = "org_id", nullable = false, unique = true)
    public String orgId;

    @Column(name = "plan_slug", nullable = false)
    public String planSlug;

    @Column(name = "plan_version", nullable = false)
    public int planVersion;

    @Column(nullable = false)
    public SubscriptionStatus status;

    @Column(nullable = false, columnDefinition = "bpchar")
    public String currency;

    @Column(name = "billing_mode", nullable = false)
    public BillingMode billingMode;

    @Column(name = "current_period_start", nullable = false)
    public Instant currentPeriodStart;

    @Column(name = "current_period_end", nullable = false)
    public Instant currentPeriodEnd;

    @Column(name = "cancel_at_period_end", nullable = false)
    public boolean cancelAtPeriodEnd;

    @Column(name = "canceled_at")
    public Instant canceledAt;

    @Column(name = "pending_plan_slug")
    public String pendingPlanSlug;

    @Column(name = "pending_plan_version")
    public Integer pendingPlanVersion;

    @Column(name = "pending_currency", columnDefinition = "bpchar")
    public String pendingCurrency;

    @Column(name = "status_changed_at", nullable = false)
    public Instant statusChangedAt;

    @Column(name = "created_at", nullable = false)
    public Instant createdAt;

    @Column(name = "updated_at", nullable = false)
    public Instant updatedAt;

    /** Created time of the newest Stripe payment event applied; older ones arriving later are stale. */
    @Column(name = "payment_state_at")
    public Instant paymentStateAt;

    @Version
    public long version;

    /**
     * The audited state as this transaction read it from the database, then as its last audit entry left it: the
     * "before" of the next entry. Held on the entity (one instance per persistence context, so per transaction), never
     * in a bean shared across requests and replicas, where another moment's state would leak into the audit.
     */
    @Transient
    java.util.Map<String, Object> auditedState;

    @PostLoad
    void rememberStateAsRead() {
        auditedState = auditState();
    }

    /** The fields an audit entry shows before and after a change. */
    java.util.Map<String, Object> auditState() {
        java.util.Map<String, Object> m = new java.util.LinkedHashMap<>();
        m.put("status", status.wire());
        m.put("plan", planSlug + " v" + planVersion);
        m.put("currency", currency);
        m.put("billingMode", billingMode.wire());
        m.put("cancelAtPeriodEnd", cancelAtPeriodEnd);
        m.put("pendingPlan", pendingPlanSlug == null ? null : pendingPlanSlug + " v" + pendingPlanVersion);
        m.put("pendingCurrency", pendingCurrency);
        return m;
    }
}
