package io.accrue.invoice.client;

import java.time.Instant;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;

/** What invoice-service reads from subscription-service (docs/internal-apis.md); unknown fields are ignored. */
public final class SubscriptionRecords {

    private SubscriptionRecords() {
    }

    @JsonIgnoreProperties(ignoreUnknown = true)
    public record Account(String orgId, String name, String currency, String timeZone, String planSlug,
            String stripeCustomerId, boolean meteredEnabled, Instant createdAt) {}

    @JsonIgnoreProperties(ignoreUnknown = true)
    public record AccountPage(List<Account> items, String nextCursor, boolean hasMore) {}

    @JsonIgnoreProperties(ignoreUnknown = true)
    public record Subscription(String status, Instant currentPeriodStart, Instant currentPeriodEnd,
            boolean cancelAtPeriodEnd, String currency, PlanVersion plan, String billingMode) {

        /** Stripe bills the LLM tokens through the plan's metered price (usage-service reports them as meter events). */
        public boolean tokensMeteredByStripe() {
            return "metered".equals(billingMode);
        }
    }

    @JsonIgnoreProperties(ignoreUnknown = true)
    public record SubscriptionEvent(String id, String type, Instant occurredAt, Instant effectiveAt, String planSlug,
            Integer planVersion, String fromStatus, String toStatus, String currency, String reason, String actor) {}

    @JsonIgnoreProperties(ignoreUnknown = true)
    public record EventPage(List<SubscriptionEvent> items, String nextCursor, boolean hasMore) {}

    @JsonIgnoreProperties(ignoreUnknown = true)
    public record PlanVersion(String slug, int version, String name, String tier, String billingModel,
            String interval, MoneyValue basePrice, Map<String, Long> allowances, List<Overage> overage) {}

    @JsonIgnoreProperties(ignoreUnknown = true)
    public record Overage(String meter, Long packageSize, List<Tier> tiers) {}

    @JsonIgnoreProperties(ignoreUnknown = true)
    public record Tier(Long upTo, java.math.BigDecimal unitAmount) {}
}
