package io.accrue.invoice.report;

import java.math.BigDecimal;
import java.math.MathContext;
import java.math.RoundingMode;
import java.time.Instant;
import java.util.Comparator;
import java.util.List;

import io.accrue.invoice.compute.Rounding;

/**
 * Revenue, provider cost and margin of an organisation's end users (from usage-service's unrounded figures).
 * Each reported amount is rounded once, half-up, to the currency's minor unit from the unrounded inputs, so
 * margin = revenue − cost holds before rounding (after rounding it may differ by one minor unit).
 */
public final class RevenueReport {

    private RevenueReport() {
    }

    public record Figures(BigDecimal revenue, BigDecimal cost, BigDecimal margin, BigDecimal marginPercent) {}

    public record Day(Instant from, Instant to, Figures figures) {}

    public record EndUser(String endUserId, long totalTokens, long requests, Figures figures) {}

    public record Report(String orgId, Instant from, Instant to, String currency, Figures total, List<Day> daily,
            List<EndUser> topEndUsers) {}

    public record EndUserInput(String endUserId, long totalTokens, long requests, BigDecimal revenue,
            BigDecimal cost) {}

    /** Margin percent = (revenue − cost) / revenue × 100, 2 places; null when there is no revenue. */
    public static Figures figures(BigDecimal revenue, BigDecimal cost, String currency) {
        BigDecimal r = revenue == null ? BigDecimal.ZERO : revenue;
        BigDecimal c = cost == null ? BigDecimal.ZERO : cost;
        BigDecimal margin = r.subtract(c);
        BigDecimal percent = r.signum() == 0
                ? null
                : margin.multiply(BigDecimal.valueOf(100)).divide(r, MathContext.DECIMAL128).setScale(2,
                        RoundingMode.HALF_UP);
        return new Figures(Rounding.toMinorUnit(r, currency), Rounding.toMinorUnit(c, currency),
                Rounding.toMinorUnit(margin, currency), percent);
    }

    /** The {@code n} end users with the highest revenue (ties by id, so the order is stable). */
    public static List<EndUser> top(List<EndUserInput> users, int n, String currency) {
        return users.stream()
                .sorted(Comparator.comparing((EndUserInput u) -> u.revenue() == null ? BigDecimal.ZERO : u.revenue())
                        .reversed().thenComparing(EndUserInput::endUserId))
                .limit(n)
                .map(u -> new EndUser(u.endUserId(), u.totalTokens(), u.requests(),
                        figures(u.revenue(), u.cost(), currency)))
                .toList();
    }
}
