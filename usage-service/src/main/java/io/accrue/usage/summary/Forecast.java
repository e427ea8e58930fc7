package io.accrue.usage.summary;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.time.Duration;
import java.time.Instant;

/**
 * Forecast of a period's end usage from its burn rate so far (pure math): observed × period length ÷ elapsed
 * time. Linear, because AI usage within a billing month has no reliable seasonality at the start of a period.
 * Elapsed time counts at least one hour, so the first minutes of a period do not explode the projection.
 */
public final class Forecast {

    static final Duration MIN_ELAPSED = Duration.ofHours(1);

    private Forecast() {
    }

    /** The factor observed usage is multiplied by; 1 once the period is over. */
    public static BigDecimal factor(Instant from, Instant to, Instant now) {
        if (!now.isBefore(to)) {
            return BigDecimal.ONE;
        }
        long length = Duration.between(from, to).toSeconds();
        long elapsed = Math.max(Duration.between(from, now).toSeconds(), MIN_ELAPSED.toSeconds());
        if (elapsed >= length) {
            return BigDecimal.ONE;
        }
        return BigDecimal.valueOf(length).divide(BigDecimal.valueOf(elapsed), 12, RoundingMode.HALF_UP);
    }

    public static long project(long observed, BigDecimal factor) {
        return BigDecimal.valueOf(observed).multiply(factor).setScale(0, RoundingMode.HALF_UP).longValueExact();
    }

    public static BigDecimal project(BigDecimal observed, BigDecimal factor) {
        return observed.multiply(factor).setScale(12, RoundingMode.HALF_UP);
    }
}
