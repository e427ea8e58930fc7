package io.accrue.subscription.dunning;

import java.time.Duration;
import java.time.Instant;
import java.util.Optional;

import io.accrue.subscription.lifecycle.SubscriptionStatus;

/**
 * The timer half of the dunning state machine: active → past_due (on a failed payment, not here) → grace →
 * suspended → canceled, each after its configured number of days in the previous state. Plain Java so every
 * edge is table-tested.
 */
public record DunningPolicy(int pastDueDays, int graceDays, int suspendedDays) {

    public record Step(SubscriptionStatus toStatus, Instant at) {}

    /**
     * The next timed step of a subscription in {@code status} since {@code since}, if it is due at {@code now}.
     * The step is dated when it fell due (not when noticed), so a late scheduler still dates it correctly.
     */
    public Optional<Step> due(SubscriptionStatus status, Instant since, Instant now) {
        Step next = switch (status) {
            case PAST_DUE -> new Step(SubscriptionStatus.GRACE, since.plus(Duration.ofDays(pastDueDays)));
            case GRACE -> new Step(SubscriptionStatus.SUSPENDED, since.plus(Duration.ofDays(graceDays)));
            case SUSPENDED -> new Step(SubscriptionStatus.CANCELED, since.plus(Duration.ofDays(suspendedDays)));
            case ACTIVE, CANCELED -> null;
        };
        return next == null || next.at().isAfter(now) ? Optional.empty() : Optional.of(next);
    }
}
