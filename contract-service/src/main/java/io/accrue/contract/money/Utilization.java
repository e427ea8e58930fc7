package io.accrue.contract.money;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.time.Duration;
import java.time.Instant;

/**
 * Consumption against commitment for one window as seen at an instant. The projection extrapolates the
 * burn rate so far ({@code consumed / elapsed}) to the whole window; before any time has elapsed there is
 * no rate, so the projection is what has been consumed. Past the window's end the projection is exact.
 */
public record Utilization(BigDecimal committed, BigDecimal consumed, BigDecimal remaining, BigDecimal overage,
        BigDecimal projectedConsumption, BigDecimal projectedShortfall) {

    static final int SCALE = 12;

    public static Utilization of(CommitmentWindow window, BigDecimal consumed, Instant at) {
        BigDecimal committed = window.committed();
        BigDecimal c = consumed.setScale(SCALE, RoundingMode.HALF_UP);
        BigDecimal remaining = committed.subtract(c).max(BigDecimal.ZERO).setScale(SCALE);
        BigDecimal overage = c.subtract(committed).max(BigDecimal.ZERO).setScale(SCALE);
        BigDecimal projected = project(window, c, at);
        BigDecimal shortfall = committed.subtract(projected).max(BigDecimal.ZERO).setScale(SCALE);
        return new Utilization(committed, c, remaining, overage, projected, shortfall);
    }

    static BigDecimal project(CommitmentWindow window, BigDecimal consumed, Instant at) {
        if (!at.isBefore(window.end()) || !at.isAfter(window.start())) {
            return consumed;
        }
        long elapsed = Duration.between(window.start(), at).toSeconds();
        long total = Duration.between(window.start(), window.end()).toSeconds();
        if (elapsed <= 0) {
            return consumed;
        }
        return consumed.multiply(BigDecimal.valueOf(total)).divide(BigDecimal.valueOf(elapsed), SCALE,
                RoundingMode.HALF_UP);
    }
}
