package io.accrue.invoice.coupon;

import jakarta.persistence.Converter;

import io.accrue.common.state.WireColumn;
import io.accrue.common.state.WireValue;

/** How many of an organisation's periods one redemption discounts (billing-rules "Coupons" rule C2). */
public enum CouponDuration implements WireValue {
    /** The first period that ends after the redemption. */
    ONCE,
    /** That period and the {@code durationPeriods − 1} after it. */
    REPEATING,
    /** Every period from then on. */
    FOREVER;

    /** How many periods a redemption discounts; empty for ever. */
    java.util.OptionalInt periods(Integer durationPeriods) {
        return switch (this) {
            case ONCE -> java.util.OptionalInt.of(1);
            case REPEATING -> java.util.OptionalInt.of(durationPeriods);
            case FOREVER -> java.util.OptionalInt.empty();
        };
    }

    @Converter(autoApply = true)
    public static class Column extends WireColumn<CouponDuration> {
        public Column() {
            super(CouponDuration.class);
        }
    }
}
