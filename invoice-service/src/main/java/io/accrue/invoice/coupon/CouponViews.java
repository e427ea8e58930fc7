package io.accrue.invoice.coupon;

import java.time.Instant;
import java.util.List;
import java.util.UUID;

import io.accrue.invoice.compute.AppliedCoupon.Kind;
import io.accrue.invoice.compute.Rounding;

/** What the coupon API answers; amounts as strings at the currency's scale, like invoice amounts. */
public final class CouponViews {

    private CouponViews() {
    }

    public record CouponView(UUID id, String name, String kind, String percentOff, String amountOff, String currency,
            String appliesTo, String duration, Integer durationPeriods, Integer maxRedemptions, int timesRedeemed,
            Instant redeemBy, boolean active, Instant createdAt, String createdBy, Instant deactivatedAt,
            String deactivatedBy, List<PromotionCodeView> promotionCodes) {

        static CouponView of(Coupon c, List<PromotionCode> codes) {
            return new CouponView(c.id, c.name, c.kind.wire(),
                    c.kind == Kind.PERCENT_OFF ? Rounding.plain(c.percentOff).toPlainString() : null,
                    c.kind == Kind.AMOUNT_OFF ? Rounding.present(c.amountOff, c.currency).toPlainString() : null,
                    c.currency, c.appliesTo.wire(), c.duration.wire(), c.durationPeriods, c.maxRedemptions,
                    c.timesRedeemed, c.redeemBy, c.active, c.createdAt, c.createdBy, c.deactivatedAt,
                    c.deactivatedBy, codes == null ? null : codes.stream().map(PromotionCodeView::of).toList());
        }
    }

    public record PromotionCodeView(UUID id, UUID couponId, String code, String orgId, Integer maxRedemptions,
            int timesRedeemed, Instant expiresAt, boolean active, Instant createdAt, String createdBy,
            Instant deactivatedAt, String deactivatedBy) {

        static PromotionCodeView of(PromotionCode p) {
            return new PromotionCodeView(p.id, p.couponId, p.code, p.orgId, p.maxRedemptions, p.timesRedeemed,
                    p.expiresAt, p.active, p.createdAt, p.createdBy, p.deactivatedAt, p.deactivatedBy);
        }
    }

    /** One period a redemption discounted: the invoice and the discount it gave. */
    public record ApplicationView(Instant periodStart, Instant periodEnd, UUID invoiceId, String amount) {}

    /**
     * An organisation's redemption: {@code periodsUsed} invoiced periods so far, {@code periodsRemaining} left by
     * the coupon's duration (null: for ever).
     */
    public record RedemptionView(UUID id, String orgId, CouponView coupon, String promotionCode, Instant redeemedAt,
            String redeemedBy, int periodsUsed, Integer periodsRemaining, List<ApplicationView> applications) {}
}
