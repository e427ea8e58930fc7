package io.accrue.subscription.lifecycle;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.math.BigDecimal;
import java.time.Instant;
import java.time.ZoneId;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class ProrationTest {

    @ParameterizedTest(name = "{0} -> {1} {5} at {4} = {6}")
    @CsvSource({
            // old, new, start, end, at, currency, expected
            // upgrade half-way through a 30-day month: half the difference
            "0.00, 99.00, 2026-04-01T00:00:00Z, 2026-05-01T00:00:00Z, 2026-04-16T00:00:00Z, USD, 49.50",
            // downgrade now: a credit of the unused difference
            "99.00, 49.00, 2026-04-01T00:00:00Z, 2026-05-01T00:00:00Z, 2026-04-16T00:00:00Z, USD, -25.00",
            // at the very start: the whole difference; at the end: nothing (next period is billed in full)
            "10.00, 40.00, 2026-04-01T00:00:00Z, 2026-05-01T00:00:00Z, 2026-04-01T00:00:00Z, USD, 30.00",
            "10.00, 40.00, 2026-04-01T00:00:00Z, 2026-05-01T00:00:00Z, 2026-05-01T00:00:00Z, USD, 0.00",
            // one third of a 31-day month, rounded half-up once: 100 * (31-10.333..)/31
            "0.00, 100.00, 2026-03-01T00:00:00Z, 2026-04-01T00:00:00Z, 2026-03-11T08:00:00Z, USD, 66.67",
            // February of a non-leap year: 28 days, 7 remaining = a quarter
            "0.00, 99.99, 2026-02-01T00:00:00Z, 2026-03-01T00:00:00Z, 2026-02-22T00:00:00Z, USD, 25.00",
            // leap year February: 29 days, 7 remaining
            "0.00, 29.00, 2028-02-01T00:00:00Z, 2028-03-01T00:00:00Z, 2028-02-23T00:00:00Z, USD, 7.00",
            // zero-decimal currency rounds to whole yen
            "0, 1000, 2026-04-01T00:00:00Z, 2026-05-01T00:00:00Z, 2026-04-21T00:00:00Z, JPY, 333",
            // three-decimal currency
            "0.000, 10.000, 2026-04-01T00:00:00Z, 2026-05-01T00:00:00Z, 2026-04-21T00:00:00Z, KWD, 3.333",
            // a change dated before the period counts from the start
            "0.00, 30.00, 2026-04-01T00:00:00Z, 2026-05-01T00:00:00Z, 2026-03-20T00:00:00Z, USD, 30.00",
            // same price (a lateral move): nothing
            "49.00, 49.00, 2026-04-01T00:00:00Z, 2026-05-01T00:00:00Z, 2026-04-10T00:00:00Z, EUR, 0.00"
    })
    void switchNow(BigDecimal oldPrice, BigDecimal newPrice, Instant start, Instant end, Instant at, String currency,
            BigDecimal expected) {
        BigDecimal actual = Proration.switchNow(oldPrice, newPrice, start, end, at, currency);
        assertEquals(expected, actual, "scale and value");
    }

    @ParameterizedTest
    @CsvSource({
            "99.00, 2026-04-01T00:00:00Z, 2026-05-01T00:00:00Z, 2026-04-16T00:00:00Z, -49.50",
            "99.00, 2026-04-01T00:00:00Z, 2026-05-01T00:00:00Z, 2026-05-01T00:00:00Z, 0.00",
            "0.00, 2026-04-01T00:00:00Z, 2026-05-01T00:00:00Z, 2026-04-16T00:00:00Z, 0.00"
    })
    void cancelNowCreditsTheUnusedRemainder(BigDecimal price, Instant start, Instant end, Instant at,
            BigDecimal expected) {
        assertEquals(0, expected.compareTo(Proration.cancelNow(price, start, end, at, "USD")));
    }

    @ParameterizedTest
    @CsvSource({
            "0.00, 99.00, true",
            "99.00, 49.00, false",
            "49.00, 49.00, false"
    })
    void upgradeMeansMoreBasePrice(BigDecimal oldPrice, BigDecimal newPrice, boolean upgrade) {
        assertEquals(upgrade, Proration.isUpgrade(oldPrice, newPrice));
    }

    @ParameterizedTest
    @CsvSource({
            // zone, interval, at, start, end
            "UTC, month, 2026-03-15T10:00:00Z, 2026-03-01T00:00:00Z, 2026-04-01T00:00:00Z",
            "Europe/Paris, month, 2026-03-15T10:00:00Z, 2026-02-28T23:00:00Z, 2026-03-31T22:00:00Z",
            "America/New_York, month, 2026-03-01T03:00:00Z, 2026-02-01T05:00:00Z, 2026-03-01T05:00:00Z",
            "UTC, month, 2026-03-31T23:59:59Z, 2026-03-01T00:00:00Z, 2026-04-01T00:00:00Z",
            "UTC, month, 2026-04-01T00:00:00Z, 2026-04-01T00:00:00Z, 2026-05-01T00:00:00Z",
            "UTC, year, 2026-03-15T10:00:00Z, 2026-01-01T00:00:00Z, 2027-01-01T00:00:00Z"
    })
    void periodsAreCalendarPeriodsInTheAccountZone(String zone, String interval, Instant at, Instant start,
            Instant end) {
        assertEquals(new Periods.Period(start, end), Periods.containing(at, ZoneId.of(zone), interval));
    }

    @org.junit.jupiter.api.Test
    void emptyPeriodIsAProgrammingError() {
        Instant t = Instant.parse("2026-04-01T00:00:00Z");
        assertThrows(IllegalArgumentException.class,
                () -> Proration.switchNow(BigDecimal.ONE, BigDecimal.TEN, t, t, t, "USD"));
    }
}
