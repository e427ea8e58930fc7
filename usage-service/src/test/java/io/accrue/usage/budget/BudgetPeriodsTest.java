package io.accrue.usage.budget;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Duration;
import java.time.Instant;
import java.util.List;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class BudgetPeriodsTest {

    @ParameterizedTest(name = "{0} is in [{1}, {2})")
    @CsvSource({
            "2026-03-15T10:00:00Z, 2026-03-01T00:00:00Z, 2026-04-01T00:00:00Z",
            "2026-03-01T00:00:00Z, 2026-03-01T00:00:00Z, 2026-04-01T00:00:00Z",
            "2026-03-31T23:59:59.999Z, 2026-03-01T00:00:00Z, 2026-04-01T00:00:00Z",
            "2026-12-31T23:00:00Z, 2026-12-01T00:00:00Z, 2027-01-01T00:00:00Z",
            "2028-02-29T12:00:00Z, 2028-02-01T00:00:00Z, 2028-03-01T00:00:00Z",
            "2027-02-28T12:00:00Z, 2027-02-01T00:00:00Z, 2027-03-01T00:00:00Z"})
    void aPeriodIsTheCalendarMonthInUtc(Instant at, Instant start, Instant end) {
        BudgetPeriods.Period p = BudgetPeriods.containing(at);
        assertEquals(start, p.start());
        assertEquals(end, p.end());
    }

    @ParameterizedTest(name = "at {0} with a {1} late window: {2}")
    @CsvSource(delimiter = '|', value = {
            "2026-03-15T10:00:00Z | P3D  | 2026-03-01T00:00:00Z",
            "2026-04-01T10:00:00Z | P3D  | 2026-04-01T00:00:00Z 2026-03-01T00:00:00Z",
            "2026-04-03T23:59:59Z | P3D  | 2026-04-01T00:00:00Z 2026-03-01T00:00:00Z",
            "2026-04-04T00:00:00Z | P3D  | 2026-04-01T00:00:00Z",
            "2027-01-02T00:00:00Z | P3D  | 2027-01-01T00:00:00Z 2026-12-01T00:00:00Z",
            "2026-04-01T00:00:00Z | PT0S | 2026-04-01T00:00:00Z"})
    void thePreviousPeriodStaysOpenWhileLateEventsMayStillArrive(Instant now, Duration lateWindow, String starts) {
        List<Instant> expected = java.util.Arrays.stream(starts.split(" ")).map(Instant::parse).toList();
        assertEquals(expected, BudgetPeriods.open(now, lateWindow).stream().map(BudgetPeriods.Period::start).toList());
    }
}
