package io.accrue.subscription.lifecycle;

import io.accrue.common.error.ApiException;
import io.accrue.common.state.WireValue;

/**
 * When a plan change or cancellation takes effect: {@code now}, or at the end of the current period. An option of
 * one request, not a state, so it has no moves.
 */
public enum ChangeTiming implements WireValue {
    NOW, PERIOD_END;

    /** The requested timing, or the default: now for an upgrade (it is charged at once), the period end otherwise. */
    public static ChangeTiming requestedOr(String value, boolean upgrade) {
        if (value == null) {
            return upgrade ? NOW : PERIOD_END;
        }
        return WireValue.find(ChangeTiming.class, value).orElseThrow(
                () -> ApiException.badRequest("invalid_value", "timing must be now or period_end."));
    }
}
