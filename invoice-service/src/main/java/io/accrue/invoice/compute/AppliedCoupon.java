package io.accrue.invoice.compute;

import java.math.BigDecimal;

import io.accrue.common.state.WireValue;

/**
 * A coupon an organisation redeemed, as one close applies it (billing-rules "Coupons"): the close gathers the
 * redemptions active for the period, in redemption order.
 *
 * @param redemptionId the redemption this period's use is recorded against
 * @param name the coupon's name, shown on the discount line
 * @param value percent off (0 < value ≤ 100) or the amount off, in {@code currency}
 * @param currency the amount's currency (null for a percent-off coupon)
 */
public record AppliedCoupon(String redemptionId, String name, Kind kind, BigDecimal value, String currency,
        AppliesTo appliesTo) {

    public enum Kind implements WireValue {
        PERCENT_OFF, AMOUNT_OFF
    }

    /** Which charges the coupon discounts: the base fee, usage (overage, cost-plus, late usage), or both. */
    public enum AppliesTo implements WireValue {
        BASE_FEE, USAGE, ALL;

        boolean base() {
            return this != USAGE;
        }

        boolean usage() {
            return this != BASE_FEE;
        }
    }
}
