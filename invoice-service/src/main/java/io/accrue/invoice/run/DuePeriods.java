package io.accrue.invoice.run;

import java.time.Instant;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * Every period of an account that has ended by the as-of instant, oldest first: the subscription's current period if
 * it has ended, and each period before it (its start minus one interval, in the account's time zone) back to the
 * one the account was created in. Periods that end at or before {@code billingSince} (the installation's go-live)
 * are left out, and so is anything beyond {@link #MAX_PERIODS} back. Pure.
 */
public final class DuePeriods {

    /** Ten years of months: a bound on the walk, never reached by a real account. */
    static final int MAX_PERIODS = 120;

    private DuePeriods() {
    }

    public static List<Period> ended(Instant asOf, Instant currentStart, Instant currentEnd, String interval,
            ZoneId zone, Instant accountCreatedAt, Instant billingSince) {
        List<Period> out = new ArrayList<>();
        if (currentStart == null || currentEnd == null || accountCreatedAt == null) {
            return out;
        }
        // from the current period back: the subscription may have rolled over since asOf (a retry names an older one)
        Period p = new Period(currentStart, currentEnd);
        for (int walked = 0; walked < MAX_PERIODS + 24 && out.size() < MAX_PERIODS; walked++) {
            if (!accountCreatedAt.isBefore(p.end()) || !counts(p.end(), billingSince)) {
                break;
            }
            if (!p.end().isAfter(asOf)) {
                out.add(p);
            }
            ZonedDateTime e = p.start().atZone(zone);
            p = new Period(("year".equals(interval) ? e.minusYears(1) : e.minusMonths(1)).toInstant(), p.start());
        }
        Collections.reverse(out);
        return out;
    }

    private static boolean counts(Instant periodEnd, Instant billingSince) {
        return billingSince == null || periodEnd.isAfter(billingSince);
    }
}
