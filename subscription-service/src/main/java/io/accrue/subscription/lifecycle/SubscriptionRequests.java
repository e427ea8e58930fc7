package io.accrue.subscription.lifecycle;

import java.math.BigDecimal;
import java.time.Instant;

import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.Size;

import io.accrue.subscription.plan.PlanRequests.Money;
import io.accrue.subscription.plan.PlanRequests.PlanVersionView;

public final class SubscriptionRequests {

    private SubscriptionRequests() {
    }

    /** {@code timing}: {@code now} or {@code period_end}; absent means now for upgrades, period end otherwise. */
    public record ChangePlan(@NotBlank @Size(max = 64) String planSlug,
            @Size(max = 16) @Pattern(regexp = "now|period_end") String timing) {}

    /** {@code reason}: at most 500 characters (the column's size), checked before the database sees it. */
    public record Cancel(@Size(max = 16) @Pattern(regexp = "now|period_end") String timing,
            @Size(max = 500) String reason) {}

    public record SwitchCurrency(@NotBlank @Size(max = 3) @Pattern(regexp = "[A-Z]{3}") String currency) {}

    public record SwitchBillingMode(@NotBlank @Size(max = 16) @Pattern(regexp = "flat|metered") String billingMode) {}

    public record PendingChange(String planSlug, Integer planVersion, String currency) {}

    public record SubscriptionView(String orgId, String status, Instant currentPeriodStart, Instant currentPeriodEnd,
            boolean cancelAtPeriodEnd, Instant canceledAt, String currency, String billingMode, PlanVersionView plan,
            PendingChange pending, Instant statusChangedAt) {}

    /** The result of a change: the subscription and the proration it causes in the current period. */
    public record ChangeResult(SubscriptionView subscription, String effective, Money proration) {

        static ChangeResult of(SubscriptionView s, String effective, BigDecimal amount) {
            return new ChangeResult(s, effective, new Money(amount, s.currency()));
        }
    }

    public record EventView(String id, String type, Instant occurredAt, Instant effectiveAt, String planSlug,
            int planVersion, String fromStatus, String toStatus, String currency, String reason, String actor) {

        static EventView of(SubscriptionEvent e) {
            return new EventView(e.id.toString(), e.type, e.occurredAt, e.effectiveAt, e.planSlug, e.planVersion,
                    wire(e.fromStatus), wire(e.toStatus), e.currency, e.reason, e.actor);
        }

        private static String wire(SubscriptionStatus status) {
            return status == null ? null : status.wire();
        }
    }
}
