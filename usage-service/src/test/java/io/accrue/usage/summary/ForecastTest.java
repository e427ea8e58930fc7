package io.accrue.usage.summary;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.math.BigDecimal;
import java.time.Instant;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class ForecastTest {

    @ParameterizedTest(name = "{0}")
    @CsvSource({
            "halfway doubles,             2026-03-01T00:00:00Z, 2026-03-31T00:00:00Z, 2026-03-16T00:00:00Z, 1000, 2000",
            "a third of the way triples,  2026-03-01T00:00:00Z, 2026-03-31T00:00:00Z, 2026-03-11T00:00:00Z, 1000, 3000",
            "period over is actual,       2026-03-01T00:00:00Z, 2026-03-31T00:00:00Z, 2026-04-02T00:00:00Z, 1000, 1000",
            "first minutes count an hour, 2026-03-01T00:00:00Z, 2026-03-02T00:00:00Z, 2026-03-01T00:01:00Z, 10,   240",
            "nothing used stays nothing,  2026-03-01T00:00:00Z, 2026-03-31T00:00:00Z, 2026-03-16T00:00:00Z, 0,    0",
            "leap February 29 days,       2028-02-01T00:00:00Z, 2028-03-01T00:00:00Z, 2028-02-15T12:00:00Z, 1450, 2900",
    })
    void linearBurnRate(String name, String from, String to, String now, long observed, long expected) {
        BigDecimal f = Forecast.factor(Instant.parse(from), Instant.parse(to), Instant.parse(now));
        assertEquals(expected, Forecast.project(observed, f));
    }

    @ParameterizedTest
    @CsvSource({"0.000000000003, 0.000000000006", "1.234567890123, 2.469135780246"})
    void moneyKeepsTwelvePlaces(String observed, String expected) {
        BigDecimal f = Forecast.factor(Instant.parse("2026-03-01T00:00:00Z"), Instant.parse("2026-03-31T00:00:00Z"),
                Instant.parse("2026-03-16T00:00:00Z"));
        assertEquals(new BigDecimal(expected), Forecast.project(new BigDecimal(observed), f));
    }
}
