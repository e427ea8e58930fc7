package io.accrue.subscription.lifecycle;

import java.util.Set;

import jakarta.persistence.Converter;

import io.accrue.common.state.WireColumn;
import io.accrue.common.state.WireValue;

/**
 * The subscription lifecycle: active, the dunning states past_due → grace → suspended (a paid invoice returns any of
 * them to active), and canceled (by the customer, at a period end or after suspension), which only a reactivation
 * leaves.
 */
public enum SubscriptionStatus implements WireValue {
    ACTIVE, PAST_DUE, GRACE, SUSPENDED, CANCELED;

    /** The moves the lifecycle allows; a dunning state is never skipped and a canceled subscription only restarts. */
    public boolean mayMoveTo(SubscriptionStatus next) {
        return switch (this) {
            case ACTIVE -> Set.of(PAST_DUE, CANCELED).contains(next);
            case PAST_DUE -> Set.of(ACTIVE, GRACE, CANCELED).contains(next);
            case GRACE -> Set.of(ACTIVE, SUSPENDED, CANCELED).contains(next);
            case SUSPENDED -> Set.of(ACTIVE, CANCELED).contains(next);
            case CANCELED -> next == ACTIVE;
        };
    }

    /** Waiting for a failed payment: new charges are blocked, a paid invoice ends it. */
    public boolean inDunning() {
        return Set.of(PAST_DUE, GRACE, SUSPENDED).contains(this);
    }

    /** The refusal of a move the lifecycle does not allow: a caller checks before, so this is a bug, not an input. */
    public void requireMayMoveTo(SubscriptionStatus next) {
        if (!mayMoveTo(next)) {
            throw new IllegalStateException("a subscription may not move from " + wire() + " to " + next.wire());
        }
    }

    @Converter(autoApply = true)
    public static class Column extends WireColumn<SubscriptionStatus> {
        public Column() {
            super(SubscriptionStatus.class);
        }
    }
}
