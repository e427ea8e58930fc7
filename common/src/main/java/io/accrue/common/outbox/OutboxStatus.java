package io.accrue.common.outbox;

import io.accrue.common.state.WireValue;

/**
 * Where a row of an outbox stands: pending until its receiver took it ({@code delivered}), or {@code failed} when
 * refused for good or out of time. The states of every {@code billing_event_outbox} ({@link OrderedEventOutbox}) and of
 * invoice-service's Stripe and contract outbox; their CHECK constraints hold these wire values. A service stores it
 * through a {@code WireColumn} of its own.
 */
public enum OutboxStatus implements WireValue {
    PENDING, DELIVERED, FAILED;

    /** A pending row is delivered or fails; a failed one may be sent again (an operator's resend); delivered stays. */
    public boolean mayMoveTo(OutboxStatus next) {
        return switch (this) {
            case PENDING -> next != PENDING;
            case FAILED -> next == PENDING;
            case DELIVERED -> false;
        };
    }
}
