package io.accrue.invoice.fx;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.Collection;
import java.util.Optional;

/**
 * Which rate converts an amount of a period (docs/billing-rules.md, "Currencies"). Pure; table-tested in
 * {@code RateRuleTest}.
 * <ul>
 * <li>The rate day of a period is the UTC date of its last instant ({@code end − 1 ns}).</li>
 * <li>The rate used is the latest one dated on or before the rate day and at most {@code maxAgeDays} older
 * (reference rates are not published on weekends and holidays; a stale one is a missing one).</li>
 * <li>On one date, a rate stored for the pair wins over the inverse of the opposite pair, which wins over the
 * cross rate through {@link #PIVOT} (the ECB publishes EUR-based rates only): {@code from → to = (EUR → to) /
 * (EUR → from)} with both legs of that same date.</li>
 * <li>A derived rate (inverse or cross) is rounded once to {@link #SCALE} decimal places, half-up, and that
 * rounded rate is the one stored on the line and used to convert, so a line is reproducible from its rate.</li>
 * </ul>
 */
public final class RateRule {

    public static final String PIVOT = "EUR";
    public static final int SCALE = 12;

    private RateRule() {
    }

    /** The rate day of the half-open period ending at {@code periodEnd}. */
    public static LocalDate rateDay(Instant periodEnd) {
        return periodEnd.minusNanos(1).atZone(ZoneOffset.UTC).toLocalDate();
    }

    /**
     * The rate converting {@code from} into {@code to} for {@code day}, from {@code rates} (any superset of the
     * relevant ones), or empty when none is recorded within {@code maxAgeDays}.
     */
    public static Optional<FxRate> resolve(String from, String to, LocalDate day, int maxAgeDays,
            Collection<DatedRate> rates) {
        if (from.equals(to)) {
            return Optional.of(new FxRate(from, to, BigDecimal.ONE, day, "identity"));
        }
        for (LocalDate d = day; !d.isBefore(day.minusDays(maxAgeDays)); d = d.minusDays(1)) {
            Optional<FxRate> found = onDate(from, to, d, rates);
            if (found.isPresent()) {
                return found;
            }
        }
        return Optional.empty();
    }

    private static Optional<FxRate> onDate(String from, String to, LocalDate d, Collection<DatedRate> rates) {
        Optional<DatedRate> direct = find(from, to, d, rates);
        if (direct.isPresent()) {
            return Optional.of(new FxRate(from, to, direct.get().rate(), d, direct.get().source()));
        }
        Optional<DatedRate> inverse = find(to, from, d, rates);
        if (inverse.isPresent()) {
            return Optional.of(new FxRate(from, to, invert(inverse.get().rate()), d,
                    inverse.get().source() + " (inverse)"));
        }
        if (from.equals(PIVOT) || to.equals(PIVOT)) {
            return Optional.empty();
        }
        Optional<FxRate> pivotFrom = onDateDirectOrInverse(PIVOT, from, d, rates);
        Optional<FxRate> pivotTo = onDateDirectOrInverse(PIVOT, to, d, rates);
        if (pivotFrom.isEmpty() || pivotTo.isEmpty()) {
            return Optional.empty();
        }
        // the legs are used as stored (an inverse leg is already rounded to SCALE), then the cross is rounded once
        BigDecimal cross = pivotTo.get().rate().divide(pivotFrom.get().rate(), SCALE, RoundingMode.HALF_UP);
        return Optional.of(new FxRate(from, to, cross, d, pivotTo.get().source().replace(" (inverse)", "")
                + " (cross via " + PIVOT + ")"));
    }

    private static Optional<FxRate> onDateDirectOrInverse(String base, String quote, LocalDate d,
            Collection<DatedRate> rates) {
        Optional<DatedRate> direct = find(base, quote, d, rates);
        if (direct.isPresent()) {
            return Optional.of(new FxRate(base, quote, direct.get().rate(), d, direct.get().source()));
        }
        return find(quote, base, d, rates).map(r -> new FxRate(base, quote, invert(r.rate()), d, r.source()));
    }

    private static Optional<DatedRate> find(String base, String quote, LocalDate d, Collection<DatedRate> rates) {
        return rates.stream().filter(r -> r.base().equals(base) && r.quote().equals(quote) && r.date().equals(d))
                .findFirst();
    }

    static BigDecimal invert(BigDecimal rate) {
        return BigDecimal.ONE.divide(rate, SCALE, RoundingMode.HALF_UP);
    }
}
