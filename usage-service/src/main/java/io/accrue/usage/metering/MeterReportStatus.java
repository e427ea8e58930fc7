package io.accrue.usage.metering;

import io.accrue.common.state.WireValue;

/** A window in the meter outbox: pending until Stripe accepted its report, then sent (for good). */
public enum MeterReportStatus implements WireValue {
    PENDING, SENT;

    /** Pending is sent once; a sent window stays (its identifier is Stripe's idempotency key). */
    public boolean mayMoveTo(MeterReportStatus next) {
        return this == PENDING && next == SENT;
    }
}
