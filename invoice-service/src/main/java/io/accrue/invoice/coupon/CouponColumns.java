package io.accrue.invoice.coupon;

import jakarta.persistence.Converter;

import io.accrue.common.state.WireColumn;
import io.accrue.invoice.compute.AppliedCoupon.AppliesTo;
import io.accrue.invoice.compute.AppliedCoupon.Kind;

/** The coupon enums of {@code compute} as their wire text in the columns (V20's CHECK constraints name them). */
final class CouponColumns {

    private CouponColumns() {
    }

    @Converter(autoApply = true)
    public static class KindColumn extends WireColumn<Kind> {
        public KindColumn() {
            super(Kind.class);
        }
    }

    @Converter(autoApply = true)
    public static class AppliesToColumn extends WireColumn<AppliesTo> {
        public AppliesToColumn() {
            super(AppliesTo.class);
        }
    }
}
