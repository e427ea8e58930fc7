package io.accrue.contract.money;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;

/**
 * Cuts a contract term into commitment windows. Windows step by whole calendar months (UTC) from the term
 * start, each computed from the anchor (start + k×n months) so a term starting on the 31st does not drift
 * to the 28th after February. A window cut short by the term end (or by an early termination) is a stub:
 * its commitment is prorated by elapsed time, {@code amount × stubSeconds / fullWindowSeconds}, kept at 12
 * decimal places; rounding to the currency's minor unit happens once, on the true-up line.
 */
public final class CommitmentSchedule {

    static final int SCALE = 12;

    private CommitmentSchedule() {
    }

    /** Same amount for every window. */
    public static List<CommitmentWindow> windows(Instant termStart, Instant termEnd, CommitmentPeriod period,
            BigDecimal amountPerPeriod) {
        return windows(termStart, termEnd, termEnd, period, windowStart -> amountPerPeriod);
    }

    /**
     * Windows over {@code [termStart, termEnd)}, truncated at {@code governedUntil} (a termination before
     * the term end); {@code amountAt} gives the commitment of the window starting at an instant (amendments
     * change it from the first window starting on or after their effective date).
     */
    public static List<CommitmentWindow> windows(Instant termStart, Instant termEnd, Instant governedUntil,
            CommitmentPeriod period, Function<Instant, BigDecimal> amountAt) {
        if (!termStart.isBefore(termEnd)) {
            throw new IllegalArgumentException("empty term");
        }
        Instant until = governedUntil.isBefore(termEnd) ? governedUntil : termEnd;
        List<CommitmentWindow> out = new ArrayList<>();
        if (period == CommitmentPeriod.WHOLE_TERM) {
            out.add(window(termStart, termEnd, until, amountAt.apply(termStart)));
            return out;
        }
        ZonedDateTime anchor = termStart.atZone(ZoneOffset.UTC);
        for (int k = 0;; k++) {
            Instant start = anchor.plusMonths((long) k * period.months()).toInstant();
            if (!start.isBefore(until)) {
                return out;
            }
            Instant fullEnd = anchor.plusMonths((long) (k + 1) * period.months()).toInstant();
            Instant end = fullEnd.isAfter(termEnd) ? termEnd : fullEnd;
            // a window cut by the term end is a stub of its full calendar length
            CommitmentWindow w = window(start, fullEnd, end.isAfter(until) ? until : end, amountAt.apply(start));
            out.add(w);
        }
    }

    private static CommitmentWindow window(Instant start, Instant fullEnd, Instant end, BigDecimal amount) {
        if (end.equals(fullEnd)) {
            return new CommitmentWindow(start, end, fullEnd, amount.setScale(SCALE, RoundingMode.HALF_UP));
        }
        return new CommitmentWindow(start, end, fullEnd, prorate(amount, start, end, fullEnd));
    }

    /** {@code amount × (end − start) / (fullEnd − start)}, by seconds, at 12 decimal places half-up. */
    public static BigDecimal prorate(BigDecimal amount, Instant start, Instant end, Instant fullEnd) {
        long part = Duration.between(start, end).toSeconds();
        long whole = Duration.between(start, fullEnd).toSeconds();
        return amount.multiply(BigDecimal.valueOf(part)).divide(BigDecimal.valueOf(whole), SCALE, RoundingMode.HALF_UP);
    }

    /** The window containing {@code at}, if any. */
    public static java.util.Optional<CommitmentWindow> containing(List<CommitmentWindow> windows, Instant at) {
        return windows.stream().filter(w -> w.contains(at)).findFirst();
    }
}
