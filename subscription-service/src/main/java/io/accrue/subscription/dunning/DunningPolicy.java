package io.accrue.subscription.dunning;

import java.time.Duration;
import java.time.Instant;
import java.util.Optional;

/**
 * The timer half of the dunning state machine: active → past_due (on a failed payment, not here) → grace →
 * suspended → canceled, each after its configured number of days in the previous state. Plain Java so every
 * edge is table-tested.
 */
public record DunningPolicy(int pastDueDays, int graceDays, int suspendedDays) {

    public record Step(String toStatus, Instant at) {}

    /**
     * The next timed step of a subscription in {@code status} since {@code since}, if it is due at {@code now}.
     * The step is dated when it fell due (not when noticed), so a late scheduler still dates it correctly.
     */
    public Optional<Step> due(String status, Instant since, Instant now) {
        Step next = switch (status) {
            case "past_due" -> new Step("grace", since.plus(Duration.ofDays(pastDueDays)));
            case "grace" -> new Step("suspended", since.plus(Duration.ofDays(graceDays)));
            case "suspended" -> new Step("canceled", since.plus(Duration.ofDays(suspendedDays)));
            default -> null;
        };
        return next == null || next.at().isAfter(now) ? Optional.empty() : Optional.of(next);
    }
}
