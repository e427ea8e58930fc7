package io.accrue.invoice.coupon;

import java.math.BigDecimal;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;
import java.util.UUID;
import java.util.function.Function;
import java.util.stream.Collectors;

import jakarta.enterprise.context.ApplicationScoped;

import io.accrue.invoice.compute.AppliedCoupon;
import io.accrue.invoice.compute.CouponDiscounts;

/**
 * What the closes read and write about coupons (billing-rules "Coupons" rules C2, C4): the redemptions active for a
 * period, read with the other inputs before the write transaction; and, in that transaction, the check that they
 * are still what was read and the record of this period's use of each.
 */
@ApplicationScoped
public class CouponLedger {

    /** A redemption active for one period, as the close read it: {@code usedBefore} periods already discounted. */
    public record Active(UUID redemptionId, AppliedCoupon coupon, long usedBefore) {}

    private final CouponRepository coupons;

    CouponLedger(CouponRepository coupons) {
        this.coupons = coupons;
    }

    /**
     * The organisation's redemptions that discount the period {@code [start, end)}, in redemption order: redeemed
     * before the period ends, with periods left by the coupon's duration (the periods discounted before this one).
     * Needs a transaction (the close's short read, or the writer's).
     */
    public List<Active> activeFor(String orgId, Instant start, Instant end) {
        List<CouponRedemption> redemptions = coupons.redemptions(orgId);
        if (redemptions.isEmpty()) {
            return List.of();
        }
        Map<UUID, Coupon> byId = coupons.list("id in ?1", redemptions.stream().map(r -> r.couponId).toList())
                .stream().collect(Collectors.toMap(c -> c.id, Function.identity()));
        List<Active> out = new ArrayList<>();
        for (CouponRedemption r : redemptions) {
            if (!r.redeemedAt.isBefore(end)) {
                continue; // redeemed after this period: it discounts the later ones
            }
            Coupon c = byId.get(r.couponId);
            long used = coupons.usedBefore(r.id, start);
            OptionalInt limit = c.duration.periods(c.durationPeriods);
            if (limit.isPresent() && used >= limit.getAsInt()) {
                continue;
            }
            out.add(new Active(r.id, c.applied(r.id), used));
        }
        return out;
    }

    public static List<AppliedCoupon> applied(List<Active> active) {
        return active.stream().map(Active::coupon).toList();
    }

    /** In the writer's transaction, under the account's close lock: is what the close read still what holds? */
    public boolean changed(String orgId, Instant start, Instant end, List<Active> gathered) {
        return !activeFor(orgId, start, end).equals(gathered);
    }

    /**
     * Records the period's use of each active redemption with its invoice, in the invoice's transaction. The
     * primary key (redemption, period) refuses a second use of one period, so a once coupon is used by one invoice.
     */
    public void record(UUID invoiceId, Instant start, Instant end, List<Active> gathered,
            List<CouponDiscounts.Discount> discounts) {
        for (int i = 0; i < gathered.size(); i++) {
            CouponApplication a = new CouponApplication();
            a.redemptionId = gathered.get(i).redemptionId();
            a.periodStart = start;
            a.periodEnd = end;
            a.invoiceId = invoiceId;
            a.amount = i < discounts.size() ? discounts.get(i).amount() : BigDecimal.ZERO;
            coupons.persistApplication(a);
        }
    }
}
