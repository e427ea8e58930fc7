package io.accrue.invoice.run;

import java.time.Instant;
import java.time.ZoneId;
import java.util.Optional;

/**
 * Which period of an account a run closes: the latest one that ended at or before the as-of instant. If the
 * subscription's current period has ended, that one; if it is still running, the one before it (its start minus
 * one interval, in the account's time zone), provided the account existed then. Pure.
 */
public final class PeriodDue {

    private PeriodDue() {
    }

    public static Optional<Period> at(Instant asOf, Instant currentStart, Instant currentEnd, String interval,
            ZoneId zone, Instant accountCreatedAt) {
        if (currentStart == null || currentEnd == null) {
            return Optional.empty();
        }
        if (!currentEnd.isAfter(asOf)) {
            return Optional.of(new Period(currentStart, currentEnd));
        }
        if (currentStart.isAfter(asOf) || accountCreatedAt == null || !accountCreatedAt.isBefore(currentStart)) {
            return Optional.empty();
        }
        var start = currentStart.atZone(zone);
        Instant previous = ("year".equals(interval) ? start.minusYears(1) : start.minusMonths(1)).toInstant();
        return Optional.of(new Period(previous, currentStart));
    }
}
