package io.accrue.invoice.compute;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.ArrayList;
import java.util.List;

import io.accrue.invoice.compute.AppliedCoupon.Kind;

/**
 * Coupon discounts of one invoice (billing-rules "Coupons", rule C3). Pure. The coupons apply in redemption order,
 * each to what the coupons before it left of the charges it targets, after the contract's own discounts and fixed
 * prices (already in the lines' amounts) and before the commitment true-up, the minimum top-ups and prepaid credits.
 * Each coupon gives one discount, rounded once, half-up, to the currency's minor unit; no discount exceeds what is
 * left of its targets, so a coupon never takes the charges below zero.
 */
public final class CouponDiscounts {

    private static final BigDecimal HUNDRED = BigDecimal.valueOf(100);

    private CouponDiscounts() {
    }

    /**
     * One coupon's discount (positive; the invoice line is its negation).
     *
     * @param onBase the part that fell on the base fee; {@code amount − onBase} fell on usage, and is what the
     *        discount takes off the commitment drawdown
     */
    public record Discount(AppliedCoupon coupon, BigDecimal amount, BigDecimal onBase) {

        public BigDecimal onUsage() {
            return amount.subtract(onBase);
        }
    }

    /**
     * @param base the rounded base-fee charges of the invoice
     * @param usage the rounded usage charges (overage, cost-plus, late usage) after contract rates
     */
    public static List<Discount> apply(List<AppliedCoupon> coupons, BigDecimal base, BigDecimal usage,
            String currency) {
        int scale = Rounding.minorUnit(currency);
        BigDecimal baseLeft = base.max(BigDecimal.ZERO);
        BigDecimal usageLeft = usage.max(BigDecimal.ZERO);
        List<Discount> out = new ArrayList<>();
        for (AppliedCoupon c : coupons) {
            BigDecimal onBase = c.appliesTo().base() ? baseLeft : BigDecimal.ZERO;
            BigDecimal onUsage = c.appliesTo().usage() ? usageLeft : BigDecimal.ZERO;
            BigDecimal eligible = onBase.add(onUsage);
            BigDecimal amount;
            BigDecimal fromBase;
            if (c.kind() == Kind.PERCENT_OFF) {
                BigDecimal share = c.value().divide(HUNDRED);
                // rounded once over everything it targets; the split only tells the drawdown what fell on usage
                amount = Rounding.toMinorUnit(eligible.multiply(share), currency).min(eligible);
                fromBase = Rounding.toMinorUnit(onBase.multiply(share), currency).min(onBase).min(amount);
            } else {
                if (!currency.equals(c.currency())) {
                    // never converted: redemption refuses it, and a currency switch since is the data's error
                    throw new IllegalArgumentException("coupon " + c.name() + " is an amount in " + c.currency()
                            + ", the invoice is in " + currency);
                }
                amount = c.value().min(eligible);
                fromBase = eligible.signum() == 0
                        ? BigDecimal.ZERO
                        : amount.multiply(onBase).divide(eligible, scale, RoundingMode.HALF_UP);
            }
            // whatever the split's rounding, neither side can go below zero
            fromBase = fromBase.max(amount.subtract(onUsage)).min(onBase);
            baseLeft = baseLeft.subtract(fromBase);
            usageLeft = usageLeft.subtract(amount.subtract(fromBase));
            out.add(new Discount(c, amount.setScale(scale, RoundingMode.UNNECESSARY),
                    fromBase.setScale(scale, RoundingMode.UNNECESSARY)));
        }
        return out;
    }

    /** The line's description: the coupon's name and what it took off. */
    static String describe(Discount d) {
        AppliedCoupon c = d.coupon();
        String off = c.kind() == Kind.PERCENT_OFF
                ? c.value().stripTrailingZeros().toPlainString() + "% off"
                : c.value().stripTrailingZeros().toPlainString() + " " + c.currency() + " off";
        String of = switch (c.appliesTo()) {
            case BASE_FEE -> "the base fee";
            case USAGE -> "usage";
            case ALL -> "all charges";
        };
        return "Coupon " + c.name() + ": " + off + " " + of;
    }
}
