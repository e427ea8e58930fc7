package io.accrue.common.outbox;

import io.accrue.common.state.WireValue;

/**
 * Where a row of a {@code billing_event_outbox} ({@link OrderedEventOutbox}) stands: pending until subscription-service
 * stored it ({@code delivered}) or refused it for good or the send window ran out ({@code failed}). The wire values are
 * the table's CHECK constraint in every service that has the table.
 */
public enum EventStatus implements WireValue {
    PENDING, DELIVERED, FAILED;

    /** A pending event is delivered or failed; the two ends stay. */
    public boolean mayMoveTo(EventStatus next) {
        return this == PENDING && next != PENDING;
    }
}
