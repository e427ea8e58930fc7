package io.accrue.subscription.webhook;

import java.time.Instant;
import java.util.Set;

import jakarta.enterprise.context.ApplicationScoped;

import com.fasterxml.jackson.databind.JsonNode;

import io.accrue.subscription.lifecycle.SubscriptionService;
import io.accrue.subscription.plan.PlanRequests.PlanVersionView;
import io.accrue.subscription.plan.PlanService;

/**
 * {@code checkout.session.completed}: a paid Checkout for one of the catalog's Stripe prices moves the account to
 * that plan. Accrue owns plan and status, so Stripe's own subscription objects are only recorded; the session is
 * the customer's decision. The price comes from the session's {@code accrue_price_id} metadata, set when
 * subscription-service created it (sessions made elsewhere are recorded and left alone).
 */
@ApplicationScoped
class CheckoutCompletion {

    private static final Set<String> PAID = Set.of("paid", "no_payment_required");

    private final PlanService plans;
    private final SubscriptionService subscriptions;

    CheckoutCompletion(PlanService plans, SubscriptionService subscriptions) {
        this.plans = plans;
        this.subscriptions = subscriptions;
    }

    String completed(String orgId, JsonNode session, Instant created) {
        if (!"complete".equals(session.path("status").asText())
                || !PAID.contains(session.path("payment_status").asText())) {
            return "recorded: not paid (" + session.path("payment_status").asText("?") + ")";
        }
        String priceId = session.path("metadata").path("accrue_price_id").asText(null);
        if (priceId == null) {
            return "recorded: not an Accrue checkout";
        }
        return plans.catalog().stream().filter(p -> !p.archived() && p.stripePriceIds() != null
                && p.stripePriceIds().containsValue(priceId)).map(PlanVersionView::slug).findFirst()
                .map(slug -> subscriptions.applyPaidCheckout(orgId, slug, created,
                        "stripe:checkout:" + session.path("id").asText()))
                .orElse("recorded: price " + priceId + " belongs to no plan");
    }
}
