package io.accrue.contract.money;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.math.BigDecimal;
import java.time.Instant;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class UtilizationTest {

    // a 30-day window, 3000 committed
    private static final CommitmentWindow WINDOW = new CommitmentWindow(Instant.parse("2026-04-01T00:00:00Z"),
            Instant.parse("2026-05-01T00:00:00Z"), Instant.parse("2026-05-01T00:00:00Z"), new BigDecimal("3000"));

    @ParameterizedTest(name = "consumed {0} at {1}: remaining {2}, overage {3}, projected {4}, shortfall {5}")
    @CsvSource(delimiter = '|', textBlock = """
            # consumed | at                   | remaining | overage | projected | projected shortfall
            # on pace: a third consumed after a third of the window
            1000       | 2026-04-11T00:00:00Z | 2000      | 0       | 3000      | 0
            # behind: 500 in 10 days → 1500 projected, 1500 short
            500        | 2026-04-11T00:00:00Z | 2500      | 0       | 1500      | 1500
            # usage beyond the commitment: nothing remaining, overage counted, no shortfall
            4500       | 2026-04-21T00:00:00Z | 0         | 1500    | 6750      | 0
            # nothing elapsed yet: no burn rate, projection is what was consumed
            0          | 2026-04-01T00:00:00Z | 3000      | 0       | 0         | 3000
            # window over: projection is exact
            2999.99    | 2026-05-01T00:00:00Z | 0.01      | 0       | 2999.99   | 0.01
            # at before the window (a future window): nothing consumed, the full commitment projected short
            0          | 2026-03-01T00:00:00Z | 3000      | 0       | 0         | 3000
            # 1/3 elapsed at 12 decimal places: 100 over 1 day of 30 projects 3000
            100        | 2026-04-02T00:00:00Z | 2900      | 0       | 3000      | 0
            # odd rate, kept unrounded at 12 places: 1000 over 7 days → 1000×30/7
            1000       | 2026-04-08T00:00:00Z | 2000      | 0       | 4285.714285714286 | 0
            """)
    void consumedAgainstCommitted(String consumed, String at, String remaining, String overage, String projected,
            String shortfall) {
        Utilization u = Utilization.of(WINDOW, new BigDecimal(consumed), Instant.parse(at));
        assertEquals(0, new BigDecimal(remaining).compareTo(u.remaining()), "remaining");
        assertEquals(0, new BigDecimal(overage).compareTo(u.overage()), "overage");
        assertEquals(0, new BigDecimal(projected).compareTo(u.projectedConsumption()), "projected " + u);
        assertEquals(0, new BigDecimal(shortfall).compareTo(u.projectedShortfall()), "shortfall");
        assertEquals(12, u.remaining().scale());
    }
}
