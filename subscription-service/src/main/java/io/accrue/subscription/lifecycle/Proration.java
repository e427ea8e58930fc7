package io.accrue.subscription.lifecycle;

import java.math.BigDecimal;
import java.math.MathContext;
import java.time.Duration;
import java.time.Instant;

import io.accrue.common.money.MinorUnits;

/**
 * The money effect of a change made inside a period (docs/billing-rules.md, "Subscriptions"). Plain Java: the
 * same second-based rule invoice-service applies to the timeline, so the preview shown when a customer
 * changes plan is what the invoice will say.
 */
public final class Proration {

    private Proration() {
    }

    /** Whether a change to a plan with {@code newPrice} is an upgrade (more base price per period). */
    public static boolean isUpgrade(BigDecimal oldPrice, BigDecimal newPrice) {
        return newPrice.compareTo(oldPrice) > 0;
    }

    /**
     * Amount owed (positive) or credited (negative) for switching from {@code oldPrice} to {@code newPrice}
     * at {@code at} in [start, end): the price difference times the share of the period still to run, in whole
     * seconds, rounded once half-up to the currency's minor unit. A change at or after the end is zero: it
     * belongs to the next period, billed in full at the new price.
     */
    public static BigDecimal switchNow(BigDecimal oldPrice, BigDecimal newPrice, Instant start, Instant end,
            Instant at, String currency) {
        if (!end.isAfter(start)) {
            throw new IllegalArgumentException("empty period");
        }
        Instant from = at.isBefore(start) ? start : at;
        if (!from.isBefore(end)) {
            return BigDecimal.ZERO.setScale(MinorUnits.digits(currency));
        }
        BigDecimal remaining = BigDecimal.valueOf(Duration.between(from, end).toSeconds());
        BigDecimal total = BigDecimal.valueOf(Duration.between(start, end).toSeconds());
        BigDecimal exact = newPrice.subtract(oldPrice).multiply(remaining).divide(total, MathContext.DECIMAL128);
        return MinorUnits.round(exact, currency);
    }

    /** Cancelling now: the unused remainder of the base fee is not owed (a credit). */
    public static BigDecimal cancelNow(BigDecimal price, Instant start, Instant end, Instant at, String currency) {
        return switchNow(price, BigDecimal.ZERO, start, end, at, currency);
    }
}
