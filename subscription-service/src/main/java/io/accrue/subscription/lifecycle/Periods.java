package io.accrue.subscription.lifecycle;

import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;

/**
 * Billing periods are calendar months (or years) in the account's time zone, half-open [start, end). Calendar
 * rather than anniversary periods, so every account of a zone closes together and a billing run has one cut-off.
 */
public final class Periods {

    private Periods() {
    }

    public record Period(Instant start, Instant end) {}

    public static Period containing(Instant at, ZoneId zone, String interval) {
        LocalDate day = at.atZone(zone).toLocalDate();
        LocalDate first = "year".equals(interval) ? day.withDayOfYear(1) : day.withDayOfMonth(1);
        LocalDate next = "year".equals(interval) ? first.plusYears(1) : first.plusMonths(1);
        return new Period(first.atStartOfDay(zone).toInstant(), next.atStartOfDay(zone).toInstant());
    }

    /** The period right after one ending at {@code end}. */
    public static Period following(Instant end, ZoneId zone, String interval) {
        return containing(end, zone, interval);
    }
}
