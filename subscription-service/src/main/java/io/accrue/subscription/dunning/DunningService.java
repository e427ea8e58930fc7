package io.accrue.subscription.dunning;

import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.transaction.Transactional;

import io.accrue.subscription.hooks.BillingEvents;
import io.accrue.subscription.lifecycle.Subscription;
import io.accrue.subscription.lifecycle.SubscriptionRepository;
import io.accrue.subscription.lifecycle.SubscriptionService;
import io.accrue.subscription.lifecycle.SubscriptionStatus;

/** Moves subscriptions through dunning: on payment events (from webhooks) and on timers (from the scheduler). */
@ApplicationScoped
public class DunningService {

    private static final List<SubscriptionStatus> IN_DUNNING = java.util.Arrays.stream(SubscriptionStatus.values())
            .filter(SubscriptionStatus::inDunning).toList();

    private final SubscriptionService subscriptions;
    private final SubscriptionRepository repository;
    private final DunningConfig config;
    private final Clock clock;
    private final BillingEvents billingEvents;

    DunningService(SubscriptionService subscriptions, SubscriptionRepository repository, DunningConfig config,
            Clock clock, BillingEvents billingEvents) {
        this.billingEvents = billingEvents;
        this.subscriptions = subscriptions;
        this.repository = repository;
        this.config = config;
        this.clock = clock;
    }

    /**
     * A failed payment moves an active subscription to past_due. {@code eventCreated} orders payment events:
     * one older than the newest applied is stale and changes nothing (webhooks arrive in any order).
     */
    @Transactional(Transactional.TxType.MANDATORY)
    public String paymentFailed(String orgId, Instant eventCreated, String reason) {
        Subscription s = subscriptions.locked(orgId);
        if (stale(s, eventCreated)) {
            return "stale";
        }
        s.paymentStateAt = eventCreated;
        if (s.status == SubscriptionStatus.ACTIVE) {
            move(s, SubscriptionStatus.PAST_DUE, reason, "stripe", clock.instant());
            return SubscriptionStatus.PAST_DUE.wire();
        }
        return "unchanged";
    }

    /** A paid invoice ends dunning, from any dunning state (a canceled subscription stays canceled). */
    @Transactional(Transactional.TxType.MANDATORY)
    public String paid(String orgId, Instant eventCreated) {
        Subscription s = subscriptions.locked(orgId);
        if (stale(s, eventCreated)) {
            return "stale";
        }
        s.paymentStateAt = eventCreated;
        if (s.status.inDunning()) {
            move(s, SubscriptionStatus.ACTIVE, "invoice paid", "stripe", clock.instant());
            return SubscriptionStatus.ACTIVE.wire();
        }
        return "unchanged";
    }

    /** Applies every due timer step of one subscription, under its row lock (safe with two replicas). */
    @Transactional
    public void advance(String orgId) {
        Subscription s = subscriptions.locked(orgId);
        DunningPolicy policy = config.policy();
        Optional<DunningPolicy.Step> step;
        while ((step = policy.due(s.status, s.statusChangedAt, clock.instant())).isPresent()) {
            DunningPolicy.Step st = step.get();
            move(s, st.toStatus(), "dunning: " + s.status.wire() + " for its configured days", "system", st.at());
        }
    }

    public List<String> orgsInDunning() {
        return repository.find("status in ?1", IN_DUNNING).list().stream().map(s -> s.orgId).toList();
    }

    /**
     * A transition is timelined, audited (by the timeline write) and announced once, as an {@code account.status_changed}
     * billing event, to the organisation's webhook endpoints (the one delivery system, docs/webhooks.md).
     */
    private void move(Subscription s, SubscriptionStatus to, String reason, String actor, Instant at) {
        SubscriptionStatus from = s.status;
        subscriptions.transition(s, to, reason, actor, at);
        java.util.Map<String, Object> data = new java.util.LinkedHashMap<>();
        data.put("orgId", s.orgId);
        data.put("fromStatus", from.wire());
        data.put("toStatus", to.wire());
        data.put("reason", reason);
        data.put("occurredAt", at.toString());
        billingEvents.publish("account.status_changed", s.orgId, java.util.UUID.randomUUID(), at, data);
    }

    private static boolean stale(Subscription s, Instant eventCreated) {
        return s.paymentStateAt != null && eventCreated.isBefore(s.paymentStateAt);
    }
}
