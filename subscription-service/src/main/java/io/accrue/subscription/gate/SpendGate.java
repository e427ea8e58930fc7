package io.accrue.subscription.gate;

import jakarta.enterprise.context.ApplicationScoped;

import io.accrue.common.error.ApiException;
import io.accrue.subscription.lifecycle.Subscription;
import io.accrue.subscription.lifecycle.SubscriptionRepository;

/**
 * Whether an organisation may take on new charges (checkout, upgrades, credit purchases). Any dunning state
 * state, an open dispute or a canceled subscription blocks. Enforced by the operations themselves, not only reported.
 */
@ApplicationScoped
public class SpendGate {

    public record Decision(String orgId, boolean allowed, String reason, String status) {}

    private final SubscriptionRepository subscriptions;
    private final jakarta.persistence.EntityManager em;

    SpendGate(SubscriptionRepository subscriptions, jakarta.persistence.EntityManager em) {
        this.subscriptions = subscriptions;
        this.em = em;
    }

    private boolean openDispute(String orgId) {
        return !em.createQuery("select d.id from Dispute d where d.orgId = ?1 and d.open = true")
                .setParameter(1, orgId).setMaxResults(1).getResultList().isEmpty();
    }

    public Decision evaluate(String orgId) {
        Subscription s = subscriptions.findByOrg(orgId).orElseThrow(() -> ApiException.notFound("account_not_found",
                "Organisation '" + orgId + "' has no billing account."));
        String reason = switch (s.status) {
            case ACTIVE -> null;
            case PAST_DUE -> "payment_past_due";
            case GRACE -> "payment_grace_period";
            case SUSPENDED -> "account_suspended";
            case CANCELED -> "subscription_canceled";
        };
        if (reason == null && openDispute(orgId)) {
            reason = "open_dispute";
        }
        return new Decision(orgId, reason == null, reason, s.status.wire());
    }

    /** Refuses a new charge as a 409 problem carrying the reason. */
    public void requireOpen(String orgId) {
        refuseIfBlocked(evaluate(orgId));
    }

    /** For reactivation: a canceled subscription is what is being restarted, so only other reasons block. */
    public void requireOpenIgnoringCancellation(String orgId) {
        Decision d = evaluate(orgId);
        if (!"subscription_canceled".equals(d.reason())) {
            refuseIfBlocked(d);
        }
    }

    private static void refuseIfBlocked(Decision d) {
        if (!d.allowed()) {
            throw new ApiException(409, "spend_blocked", "Spend blocked",
                    "New charges are blocked for this organisation: " + d.reason() + ".",
                    java.util.Map.of("reason", d.reason()));
        }
    }
}
