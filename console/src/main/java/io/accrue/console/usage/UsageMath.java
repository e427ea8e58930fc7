package io.accrue.console.usage;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.time.Duration;
import java.time.Instant;

/** The arithmetic behind the usage page, kept free of HTTP so it is tested on its own. */
public final class UsageMath {

    private UsageMath() {
    }

    /**
     * Linear projection of a period's usage charges: what was charged so far, scaled by how much of the half-open
     * period {@code [start, end)} has passed. Before the period starts nothing is projected (null); after it ends the
     * projection is what was charged.
     */
    public static BigDecimal projectAtPeriodEnd(BigDecimal soFar, Instant start, Instant end, Instant now) {
        if (soFar == null || start == null || end == null || !end.isAfter(start) || !now.isAfter(start)) {
            return null;
        }
        if (!now.isBefore(end)) {
            return soFar;
        }
        BigDecimal elapsed = BigDecimal.valueOf(Duration.between(start, now).toSeconds());
        BigDecimal length = BigDecimal.valueOf(Duration.between(start, end).toSeconds());
        if (elapsed.signum() == 0) {
            return null;
        }
        return soFar.multiply(length).divide(elapsed, 12, RoundingMode.HALF_UP);
    }

    /**
     * Share of an allowance used, in whole percent rounded down, and not capped: 105 means 5 % over the allowance
     * (billed as overage), which the page must show rather than a full bar. Null when there is no allowance.
     */
    public static Integer percentUsed(long used, Long allowance) {
        if (allowance == null || allowance <= 0) {
            return null;
        }
        long percent = BigDecimal.valueOf(used).multiply(BigDecimal.valueOf(100))
                .divide(BigDecimal.valueOf(allowance), 0, RoundingMode.FLOOR).longValue();
        return (int) Math.min(Integer.MAX_VALUE, Math.max(0, percent));
    }

    /** Tokens above the allowance (0 when within it or without an allowance). */
    public static long overage(long used, Long allowance) {
        return allowance == null || allowance <= 0 ? 0 : Math.max(0, used - allowance);
    }
}
