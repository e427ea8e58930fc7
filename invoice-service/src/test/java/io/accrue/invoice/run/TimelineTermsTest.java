package io.accrue.invoice.run;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import io.accrue.invoice.run.Timeline.Event;
import io.accrue.invoice.run.Timeline.PlanRef;
import io.accrue.invoice.run.Timeline.Segment;

/** The currency a period bills in, and the windows whose usage each plan segment prices (issue 13, 6a and 9). */
class TimelineTermsTest {

    static final Period FEB = new Period(Instant.parse("2026-02-01T00:00:00Z"), Instant.parse("2026-03-01T00:00:00Z"));

    /** Events as "effectiveAt/currency" in the order subscription-service lists them (effective, then recorded). */
    @ParameterizedTest(name = "{0} at {1} → {2}")
    @CsvSource(delimiter = '|', value = {
            "'' | 2026-02-01T00:00:00Z | none",
            "2025-12-01T00:00:00Z/USD | 2026-02-01T00:00:00Z | USD",
            // a switch applied at the February boundary: February bills in EUR, January stays USD
            "2025-12-01T00:00:00Z/USD 2026-02-01T00:00:00Z/USD 2026-02-01T00:00:00Z/EUR | 2026-02-01T00:00:00Z | EUR",
            "2025-12-01T00:00:00Z/USD 2026-02-01T00:00:00Z/USD 2026-02-01T00:00:00Z/EUR | 2026-01-01T00:00:00Z | USD",
            // a later switch does not reach back
            "2025-12-01T00:00:00Z/USD 2026-03-01T00:00:00Z/EUR | 2026-02-01T00:00:00Z | USD",
            // an event that does not say keeps what was in effect
            "2025-12-01T00:00:00Z/JPY 2026-01-10T00:00:00Z/- | 2026-02-01T00:00:00Z | JPY",
            // before the first event (provisioned mid-period): the first known currency, not a later switch's
            "2026-01-15T00:00:00Z/USD 2026-02-01T00:00:00Z/EUR | 2026-01-01T00:00:00Z | USD",
            "2026-01-15T00:00:00Z/- 2026-01-20T00:00:00Z/JPY 2026-02-01T00:00:00Z/EUR | 2026-01-01T00:00:00Z | JPY",
    })
    void currencyInEffectAtAnInstant(String events, String at, String expected) {
        List<Event> list = new ArrayList<>();
        for (String e : events.isBlank() ? new String[0] : events.split(" ")) {
            String[] p = e.split("/");
            list.add(new Event(Instant.parse(p[0]), "pro", 1, null, p[1].equals("-") ? null : p[1]));
        }
        assertEquals(expected, Timeline.currencyAt(list, Instant.parse(at)).orElse("none"));
    }

    /** Events as "effectiveAt/plan@version/toStatus" (- for none); segments of February as "MM-DD..MM-DD plan". */
    @ParameterizedTest(name = "{0} → {1}")
    @CsvSource(delimiter = '|', value = {
            // a cancellation recorded late, effective before a renewal already on the timeline: stays canceled
            "2025-12-01T00:00:00Z/pro@3/active 2026-02-10T00:00:00Z/pro@3/canceled 2026-02-20T00:00:00Z/pro@3/- | 02-01..02-10 pro",
            // a reactivation is a status move: service resumes
            "2025-12-01T00:00:00Z/pro@3/active 2026-02-10T00:00:00Z/pro@3/canceled 2026-02-20T00:00:00Z/pro@3/active | 02-01..02-10 pro, 02-20..03-01 pro",
            // a timeline whose first event names only a plan starts service with it
            "2026-01-01T00:00:00Z/pro@3/- 2026-02-15T00:00:00Z/team@1/- | 02-01..02-15 pro, 02-15..03-01 team",
    })
    void onlyAStatusMoveResumesACanceledSubscription(String events, String expected) {
        List<Event> list = new ArrayList<>();
        for (String e : events.split(" ")) {
            String[] p = e.split("/");
            list.add(new Event(Instant.parse(p[0]), p[1].split("@")[0], Integer.valueOf(p[1].split("@")[1]),
                    p[2].equals("-") ? null : p[2]));
        }
        String actual = String.join(", ", Timeline.segments(list, FEB, null).stream()
                .map(s -> s.from().toString().substring(5, 10) + ".." + s.to().toString().substring(5, 10) + " "
                        + s.plan().slug())
                .toList());
        assertEquals(expected, actual);
    }

    /** Segments as "from..to plan", windows likewise (MM-DD). */
    @ParameterizedTest(name = "{0} → {1}")
    @CsvSource(delimiter = '|', value = {
            "02-01..03-01 pro | 02-01..03-01 pro",
            "02-01..02-15 pro, 02-15..03-01 team | 02-01..02-15 pro, 02-15..03-01 team",
            // created mid-period: its usage window starts with the period (nothing before it is dropped)
            "02-20..03-01 pro | 02-01..03-01 pro",
            // canceled mid-period: usage recorded after the cancellation still belongs to the last plan
            "02-01..02-10 pro | 02-01..03-01 pro",
            // canceled, then resumed: the gap belongs to the plan before it
            "02-01..02-10 pro, 02-20..03-01 team | 02-01..02-20 pro, 02-20..03-01 team",
    })
    void usageWindowsCoverThePeriod(String segments, String expected) {
        List<Segment> list = new ArrayList<>();
        for (String s : segments.split(", ")) {
            String[] p = s.split("[ .]+");
            list.add(new Segment(Instant.parse("2026-" + p[0] + "T00:00:00Z"), Instant.parse("2026-" + p[1]
                    + "T00:00:00Z"), new PlanRef(p[2], 1)));
        }
        String actual = String.join(", ", Timeline.usageWindows(list, FEB).stream()
                .map(w -> w.from().toString().substring(5, 10) + ".." + w.to().toString().substring(5, 10) + " "
                        + w.plan().slug())
                .toList());
        assertEquals(expected, actual);
    }
}
