package io.accrue.invoice.compute;

import java.math.BigDecimal;
import java.math.MathContext;
import java.time.Duration;
import java.time.Instant;

/**
 * Proration by elapsed time: a plan active for part of a period owes the part of its base fee equal to the
 * part of the period it covered, measured in seconds of the half-open period (so months of 28–31 days and
 * DST days need no special case: the period bounds already carry them).
 */
public final class Proration {

    private Proration() {
    }

    /** The exact share of {@code fee} for {@code [from, to)} within {@code [periodStart, periodEnd)}. */
    public static BigDecimal share(BigDecimal fee, Instant from, Instant to, Instant periodStart, Instant periodEnd) {
        long covered = coveredSeconds(from, to, periodStart, periodEnd);
        long whole = Duration.between(periodStart, periodEnd).getSeconds();
        if (covered == whole) {
            return fee;
        }
        // 34 significant digits: the only rounding that matters is the one at the invoice line
        return fee.multiply(BigDecimal.valueOf(covered)).divide(BigDecimal.valueOf(whole), MathContext.DECIMAL128);
    }

    /** The covered fraction, for display (12 places); never used for money. */
    public static BigDecimal fraction(Instant from, Instant to, Instant periodStart, Instant periodEnd) {
        long covered = coveredSeconds(from, to, periodStart, periodEnd);
        long whole = Duration.between(periodStart, periodEnd).getSeconds();
        return BigDecimal.valueOf(covered).divide(BigDecimal.valueOf(whole), 12, java.math.RoundingMode.HALF_UP);
    }

    static long coveredSeconds(Instant from, Instant to, Instant periodStart, Instant periodEnd) {
        if (!periodStart.isBefore(periodEnd)) {
            throw new IllegalArgumentException("empty period");
        }
        Instant a = from.isAfter(periodStart) ? from : periodStart;
        Instant b = to.isBefore(periodEnd) ? to : periodEnd;
        return a.isBefore(b) ? Duration.between(a, b).getSeconds() : 0;
    }
}
