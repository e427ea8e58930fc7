package io.accrue.usage.entitlements;

import java.time.Instant;
import java.util.List;

import com.fasterxml.jackson.annotation.JsonInclude;

/**
 * One entitlement as the check answers it. {@code kind}: {@code feature} (boolean), {@code limit} (metered, per
 * billing period: {@code limit}, {@code used}, {@code remaining}, entitled while used is below the limit) or
 * {@code config} ({@code value}). A name the plan does not have is a {@code feature} that is not entitled.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record EntitlementView(String name, Kind kind, boolean entitled, Long limit, Long used, Long remaining,
        String value) {

    public enum Kind {
        feature, limit, config
    }

    /** All of an organisation's entitlements, with what they were read from and how old that may be. */
    public record Bulk(String orgId, String environment, String planSlug, String accountStatus, Instant periodStart,
            Instant periodEnd, List<String> allowedModels, List<EntitlementView> entitlements, Instant asOf,
            long maxStaleSeconds) {}
}
