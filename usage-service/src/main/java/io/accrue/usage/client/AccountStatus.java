package io.accrue.usage.client;

import java.time.Instant;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;

/**
 * The part of subscription-service's account status that quota and entitlement checks need; other fields are
 * ignored. {@code entitlements} are those of the plan version in effect (never null here: an answer without them,
 * or an {@code unknown}/{@code none} status, has none).
 */
@JsonIgnoreProperties(ignoreUnknown = true)
public record AccountStatus(String orgId, String status, String planSlug, Instant currentPeriodStart,
        Instant currentPeriodEnd, Entitlements entitlements) {

    public AccountStatus {
        entitlements = entitlements == null ? Entitlements.NONE : entitlements;
    }

    /** A status without a subscription behind it ({@code unknown}, {@code none}): nothing is entitled. */
    public AccountStatus(String orgId, String status) {
        this(orgId, status, null, null, null, null);
    }

    public boolean suspended() {
        return "suspended".equals(status) || "canceled".equals(status);
    }

    /** Whether subscription-service answered with an account's subscription (not unknown, not none). */
    public boolean known() {
        return !"unknown".equals(status) && !"none".equals(status);
    }

    /** subscription-service's plan entitlements (docs/entitlements.md); absent lists and maps read as empty. */
    @JsonIgnoreProperties(ignoreUnknown = true)
    public record Entitlements(List<String> features, List<String> allowedModels, Map<String, Long> limits,
            Map<String, String> config) {

        static final Entitlements NONE = new Entitlements(null, null, null, null);

        public Entitlements {
            features = features == null ? List.of() : List.copyOf(features);
            allowedModels = allowedModels == null ? List.of() : List.copyOf(allowedModels);
            limits = limits == null ? Map.of() : Map.copyOf(limits);
            config = config == null ? Map.of() : Map.copyOf(config);
        }

        /** Empty: every model. Otherwise the model (its canonical id or the spelling asked) must be listed. */
        public boolean allowsModel(String model, String canonical) {
            return allowedModels.isEmpty() || allowedModels.stream()
                    .anyMatch(m -> m.equalsIgnoreCase(model) || (canonical != null && m.equalsIgnoreCase(canonical)));
        }
    }
}
