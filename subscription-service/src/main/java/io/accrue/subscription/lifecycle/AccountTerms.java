package io.accrue.subscription.lifecycle;

import java.time.Instant;

/**
 * The terms an organisation is billed by, read from its subscription: the one place every change (plan change,
 * currency switch, cancellation, dunning) updates. Pure.
 *
 * <p>
 * A subscription whose period has ended but which the rollover has not caught up yet is shown as it is: what was
 * scheduled for the period end (plan, currency, cancellation) is already in effect. The rollover records the same
 * outcome on the timeline when it runs, so the view and the timeline never disagree.
 */
public record AccountTerms(String planSlug, int planVersion, String currency, SubscriptionStatus status) {

    public static AccountTerms of(Subscription s, Instant now) {
        boolean boundaryPassed = s.status != SubscriptionStatus.CANCELED && !s.currentPeriodEnd.isAfter(now);
        if (!boundaryPassed) {
            return new AccountTerms(s.planSlug, s.planVersion, s.currency, s.status);
        }
        if (s.cancelAtPeriodEnd) {
            // canceled at the boundary: pending changes of the period that never starts do not apply
            return new AccountTerms(s.planSlug, s.planVersion, s.currency, SubscriptionStatus.CANCELED);
        }
        return new AccountTerms(s.pendingPlanSlug != null ? s.pendingPlanSlug : s.planSlug,
                s.pendingPlanSlug != null ? s.pendingPlanVersion : s.planVersion,
                s.pendingCurrency != null ? s.pendingCurrency : s.currency, s.status);
    }
}
