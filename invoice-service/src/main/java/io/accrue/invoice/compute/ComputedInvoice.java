package io.accrue.invoice.compute;

import java.math.BigDecimal;
import java.util.List;

/**
 * The result: lines rounded once each; {@code subtotal} is the exact sum of the charge lines and {@code total}
 * the exact sum of all lines (charges minus credits). {@code commitmentDrawdown} and {@code creditsApplied} are
 * reported to contract-service. {@code couponDiscounts} are what each coupon of the input gave (in its order, 0 when
 * nothing it targets was charged): the close records each against its redemption.
 */
public record ComputedInvoice(String currency, List<ComputedLine> lines, BigDecimal subtotal, BigDecimal total,
        BigDecimal commitmentDrawdown, BigDecimal creditsApplied, List<CouponDiscounts.Discount> couponDiscounts) {

    public ComputedInvoice {
        couponDiscounts = couponDiscounts == null ? List.of() : List.copyOf(couponDiscounts);
    }

    public ComputedInvoice(String currency, List<ComputedLine> lines, BigDecimal subtotal, BigDecimal total,
            BigDecimal commitmentDrawdown, BigDecimal creditsApplied) {
        this(currency, lines, subtotal, total, commitmentDrawdown, creditsApplied, List.of());
    }
}
