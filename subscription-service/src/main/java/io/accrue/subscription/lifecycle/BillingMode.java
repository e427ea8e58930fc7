package io.accrue.subscription.lifecycle;

import jakarta.persistence.Converter;

import io.accrue.common.error.ApiException;
import io.accrue.common.state.WireColumn;
import io.accrue.common.state.WireValue;

/** How the base fee is charged: {@code flat} per period, or {@code metered} through the plan's metered Stripe price. */
public enum BillingMode implements WireValue {
    FLAT, METERED;

    public static BillingMode parse(String value) {
        return WireValue.find(BillingMode.class, value).orElseThrow(
                () -> ApiException.badRequest("invalid_value", "billingMode must be flat or metered."));
    }

    /** Either way, at any time; switching to the mode already in force is refused as unchanged. */
    public boolean mayMoveTo(BillingMode next) {
        return next != null && next != this;
    }

    @Converter(autoApply = true)
    public static class Column extends WireColumn<BillingMode> {
        public Column() {
            super(BillingMode.class);
        }
    }
}
