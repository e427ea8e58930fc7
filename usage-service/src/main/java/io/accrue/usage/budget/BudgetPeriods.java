package io.accrue.usage.budget;

import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;

/**
 * Budget periods: calendar months in UTC, half-open {@code [start, end)} — the same month the monthly quota window
 * uses, made of whole UTC days, so a period is summed exactly from the daily rollups. Pure.
 */
public final class BudgetPeriods {

    private BudgetPeriods() {
    }

    public record Period(LocalDate firstDay, LocalDate endDay) {
        public Instant start() {
            return firstDay.atStartOfDay(ZoneOffset.UTC).toInstant();
        }

        public Instant end() {
            return endDay.atStartOfDay(ZoneOffset.UTC).toInstant();
        }
    }

    public static Period containing(Instant instant) {
        LocalDate first = instant.atZone(ZoneOffset.UTC).toLocalDate().withDayOfMonth(1);
        return new Period(first, first.plusMonths(1));
    }

    /**
     * The periods whose totals can still change at {@code now}: the current one and, while late events for it
     * are still accepted ({@code lateWindow} after its end), the previous one, so usage reported late still raises
     * the previous period's alerts.
     */
    public static List<Period> open(Instant now, Duration lateWindow) {
        Period current = containing(now);
        List<Period> periods = new ArrayList<>(2);
        periods.add(current);
        if (now.isBefore(current.start().plus(lateWindow))) {
            periods.add(containing(current.start().minusSeconds(1)));
        }
        return periods;
    }
}
