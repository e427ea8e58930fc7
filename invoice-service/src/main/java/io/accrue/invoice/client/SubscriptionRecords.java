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
            String stripeCustomerId, boolean meteredEnabled, Instant createdAt, BillingDetails billingDetails,
            String stripeConnectAccountId) {}

    /** Who the invoices are addressed to (subscription-service's billing details; absent until set). */
    @JsonIgnoreProperties(ignoreUnknown = true)
    public record BillingDetails(String legalName, Address address, String taxId) {

        /** The address as printed, one line each: street lines, postal code and city, region, country. */
        public List<String> addressLines() {
            if (address == null) {
                return List.of();
            }
            List<String> lines = new java.util.ArrayList<>();
            java.util.stream.Stream.of(address.line1(), address.line2()).filter(l -> l != null && !l.isBlank())
                    .forEach(lines::add);
            String city = String.join(" ", java.util.stream.Stream.of(address.postalCode(), address.city())
                    .filter(l -> l != null && !l.isBlank()).toList());
            if (!city.isBlank()) {
                lines.add(city);
            }
            java.util.stream.Stream.of(address.region(), address.country()).filter(l -> l != null && !l.isBlank())
                    .forEach(lines::add);
            return lines;
        }
    }

    @JsonIgnoreProperties(ignoreUnknown = true)
    public record Address(String line1, String line2, String city, String postalCode, String region,
            String country) {}

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

    /** A billing event as {@code POST /v1/billing-events} takes it (docs/webhooks.md). */
    public record PublishEvent(String id, String orgId, String type, String occurredAt, Map<String, Object> data) {}
}
