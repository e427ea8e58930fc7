package io.accrue.invoice.run;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Instant;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import io.accrue.invoice.run.Timeline.Event;
import io.accrue.invoice.run.Timeline.PlanRef;

class TimelineAndPeriodDueTest {

    static final Period FEB = new Period(Instant.parse("2026-02-01T00:00:00Z"), Instant.parse("2026-03-01T00:00:00Z"));

    /** Events as "effectiveAt/plan@version/toStatus" (- for none), separated by spaces. */
    @ParameterizedTest(name = "{0} → {1}")
    @CsvSource(delimiter = '|', value = {
            // no history: the subscription's plan, whole period
            "'' | 02-01..03-01 pro@3",
            // created before the period
            "2025-12-01T00:00:00Z/pro@3/active | 02-01..03-01 pro@3",
            // upgrade in the middle
            "2025-12-01T00:00:00Z/pro@3/active 2026-02-15T00:00:00Z/team@1/- | 02-01..02-15 pro@3, 02-15..03-01 team@1",
            // cancelled in the middle: nothing after
            "2025-12-01T00:00:00Z/pro@3/active 2026-02-10T00:00:00Z/-/canceled | 02-01..02-10 pro@3",
            // created in the middle of the period
            "2026-02-20T00:00:00Z/pro@3/active | 02-20..03-01 pro@3",
            // cancelled, then resumed
            "2025-12-01T00:00:00Z/pro@3/active 2026-02-10T00:00:00Z/-/canceled 2026-02-20T00:00:00Z/-/active | 02-01..02-10 pro@3, 02-20..03-01 pro@3",
            // a status event without a plan change does not split the fee
            "2025-12-01T00:00:00Z/pro@3/active 2026-02-10T00:00:00Z/-/past_due 2026-02-12T00:00:00Z/-/active | 02-01..03-01 pro@3",
            // events after the period do not matter
            "2025-12-01T00:00:00Z/pro@3/active 2026-03-05T00:00:00Z/team@1/- | 02-01..03-01 pro@3",
    })
    void cutsTheTimelineIntoPlanSegments(String events, String expected) {
        List<Event> list = new ArrayList<>();
        for (String e : events.isBlank() ? new String[0] : events.split(" ")) {
            String[] p = e.split("/");
            String slug = p[1].equals("-") ? null : p[1].split("@")[0];
            Integer version = p[1].equals("-") ? null : Integer.valueOf(p[1].split("@")[1]);
            list.add(new Event(Instant.parse(p[0]), slug, version, p[2].equals("-") ? null : p[2]));
        }
        String actual = String.join(", ", Timeline.segments(list, FEB, new PlanRef("pro", 3)).stream()
                .map(s -> s.from().toString().substring(5, 10) + ".." + s.to().toString().substring(5, 10) + " "
                        + s.plan().slug() + "@" + s.plan().version())
                .toList());
        assertEquals(expected, actual);
    }

    @ParameterizedTest(name = "as of {0}, current [{1},{2}), created {4}, since {5} → {6}")
    @CsvSource({
            // the current period has ended: it and every period since the account was created
            "2026-03-01T00:15:00Z, 2026-02-01T00:00:00Z, 2026-03-01T00:00:00Z, UTC, 2025-12-10T00:00:00Z, -, 2025-12-01/2026-01-01;2026-01-01/2026-02-01;2026-02-01/2026-03-01",
            // the same with a go-live: nothing that ended at or before it
            "2026-03-01T00:15:00Z, 2026-02-01T00:00:00Z, 2026-03-01T00:00:00Z, UTC, 2025-12-10T00:00:00Z, 2026-02-01T00:00:00Z, 2026-02-01/2026-03-01",
            // rolled over already: the running period is not due, the ones before it are
            "2026-03-02T00:00:00Z, 2026-03-01T00:00:00Z, 2026-04-01T00:00:00Z, UTC, 2026-01-15T00:00:00Z, -, 2026-01-01/2026-02-01;2026-02-01/2026-03-01",
            // in Paris (DST starts on 29 March; January and February are +01:00)
            "2026-03-02T00:00:00Z, 2026-02-28T23:00:00Z, 2026-03-31T22:00:00Z, Europe/Paris, 2026-01-20T00:00:00Z, -, 2025-12-31T23:00/2026-01-31T23:00;2026-01-31T23:00/2026-02-28T23:00",
            // the account did not exist in the previous period: nothing due
            "2026-03-02T00:00:00Z, 2026-03-01T00:00:00Z, 2026-04-01T00:00:00Z, UTC, 2026-03-01T00:00:00Z, -, none",
            // a period the account was created in counts from its creation (it existed before the period ended)
            "2026-03-02T00:00:00Z, 2026-03-01T00:00:00Z, 2026-04-01T00:00:00Z, UTC, 2026-02-28T23:59:59Z, -, 2026-02-01/2026-03-01",
            // month end: one calendar month before 31 March is 28 February
            "2026-04-01T00:00:00Z, 2026-03-31T00:00:00Z, 2026-04-30T00:00:00Z, UTC, 2026-03-01T00:00:00Z, -, 2026-02-28/2026-03-31",
            // the subscription rolled over since the as-of instant (a retry of an older period): up to asOf only
            "2026-03-02T00:00:00Z, 2026-05-01T00:00:00Z, 2026-06-01T00:00:00Z, UTC, 2026-02-10T00:00:00Z, -, 2026-02-01/2026-03-01",
    })
    void listsEveryEndedPeriodOldestFirst(String asOf, String start, String end, String zone, String created,
            String since, String expected) {
        var due = DuePeriods.ended(Instant.parse(asOf), Instant.parse(start), Instant.parse(end), "month",
                ZoneId.of(zone), Instant.parse(created), since.equals("-") ? null : Instant.parse(since));
        String actual = due.isEmpty()
                ? "none"
                : due.stream().map(p -> shortly(p.start()) + "/" + shortly(p.end()))
                        .collect(java.util.stream.Collectors.joining(";"));
        assertEquals(expected, actual);
    }

    @org.junit.jupiter.api.Test
    void theWalkBackIsBounded() {
        var due = DuePeriods.ended(Instant.parse("2026-03-02T00:00:00Z"), Instant.parse("2026-03-01T00:00:00Z"),
                Instant.parse("2026-04-01T00:00:00Z"), "month", ZoneId.of("UTC"), Instant.parse("1990-01-01T00:00:00Z"),
                null);
        assertEquals(DuePeriods.MAX_PERIODS, due.size());
        assertEquals(Instant.parse("2026-03-01T00:00:00Z"), due.get(due.size() - 1).end());
    }

    /** Midnight UTC as a date, any other instant to the minute. */
    private static String shortly(Instant i) {
        String s = i.toString();
        return s.endsWith("T00:00:00Z") ? s.substring(0, 10) : s.substring(0, 16);
    }
}
