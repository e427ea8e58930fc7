package io.accrue.invoice.compute;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.math.BigDecimal;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import io.accrue.invoice.compute.PlanTerms.Tier;

class RoundingProrationTiersTest {

    @ParameterizedTest(name = "{0} {1} → {2}")
    @CsvSource({
            "0.005, USD, 0.01",
            "0.004999999999, USD, 0.00",
            "-0.005, USD, -0.01",
            "2.675, USD, 2.68", // a double would give 2.67
            "1.5, JPY, 2",
            "0.4999, JPY, 0",
            "0.0005, BHD, 0.001",
            "12.3445, EUR, 12.34",
            "0.000000000001, USD, 0.00",
    })
    void roundsOnceHalfUpToTheMinorUnit(String amount, String currency, String expected) {
        assertEquals(new BigDecimal(expected), Rounding.toMinorUnit(new BigDecimal(amount), currency));
    }

    @ParameterizedTest(name = "{0} for [{1},{2}) of [{3},{4}) → {6} {5}")
    @CsvSource({
            // whole period, whatever its length
            "99.00, 2026-01-01T00:00:00Z, 2026-02-01T00:00:00Z, 2026-01-01T00:00:00Z, 2026-02-01T00:00:00Z, USD, 99.00",
            // half of February 2026 (28 days): 14 days
            "100.00, 2026-02-15T00:00:00Z, 2026-03-01T00:00:00Z, 2026-02-01T00:00:00Z, 2026-03-01T00:00:00Z, USD, 50.00",
            // leap February 2028 has 29 days: 14/29 of 100
            "100.00, 2028-02-16T00:00:00Z, 2028-03-01T00:00:00Z, 2028-02-01T00:00:00Z, 2028-03-01T00:00:00Z, USD, 48.28",
            // one day of a 31-day month: 3.2258… → 3.23
            "100.00, 2026-01-31T00:00:00Z, 2026-02-01T00:00:00Z, 2026-01-01T00:00:00Z, 2026-02-01T00:00:00Z, USD, 3.23",
            // a segment reaching outside the period is clipped to it
            "100.00, 2025-12-15T00:00:00Z, 2026-01-16T12:00:00Z, 2026-01-01T00:00:00Z, 2026-02-01T00:00:00Z, USD, 50.00",
            // a segment outside the period owes nothing
            "100.00, 2025-12-01T00:00:00Z, 2026-01-01T00:00:00Z, 2026-01-01T00:00:00Z, 2026-02-01T00:00:00Z, USD, 0.00",
            // zero-decimal currency: a third of 1000 yen
            "1000, 2026-04-01T00:00:00Z, 2026-04-11T00:00:00Z, 2026-04-01T00:00:00Z, 2026-05-01T00:00:00Z, JPY, 333",
            // a period in Europe/Paris across the DST change (31 days minus one hour): half of it in seconds
            "60.00, 2026-02-28T23:00:00Z, 2026-03-16T10:30:00Z, 2026-02-28T23:00:00Z, 2026-03-31T22:00:00Z, EUR, 30.00",
    })
    void proratesByTimeCovered(String fee, String from, String to, String start, String end, String currency,
            String expected) {
        BigDecimal exact = Proration.share(new BigDecimal(fee), Instant.parse(from), Instant.parse(to),
                Instant.parse(start), Instant.parse(end));
        assertEquals(new BigDecimal(expected), Rounding.toMinorUnit(exact, currency));
    }

    @ParameterizedTest(name = "{0} units over, packages of {1}, tiers {2} → {3}")
    @CsvSource(delimiter = '|', value = {
            "0       | 1000 | -:0.003              | ''",
            "1       | 1000 | -:0.003              | 1x0.003",
            "1000    | 1000 | -:0.003              | 1x0.003",
            "1001    | 1000 | -:0.003              | 2x0.003",
            // graduated: first 10 packages at 0.003, the rest at 0.002
            "10000   | 1000 | 10000:0.003,-:0.002  | 10x0.003",
            "10001   | 1000 | 10000:0.003,-:0.002  | 10x0.003 1x0.002",
            "25500   | 1000 | 10000:0.003,-:0.002  | 10x0.003 16x0.002",
            // three tiers, package of one (per-unit pricing)
            "7       | 1    | 2:1.00,5:0.50,-:0.25 | 2x1.00 3x0.50 2x0.25",
            // a tier bound that is not a whole number of packages rounds up, never splits a package
            "3000    | 1000 | 1500:0.10,-:0.05     | 2x0.10 1x0.05",
    })
    void graduatedPackageTiers(long units, long packageSize, String tierSpec, String expected) {
        List<Tier> tiers = new ArrayList<>();
        for (String t : tierSpec.split(",")) {
            String[] p = t.split(":");
            tiers.add(new Tier(p[0].equals("-") ? null : Long.valueOf(p[0]), new BigDecimal(p[1])));
        }
        String actual = String.join(" ", GraduatedTiers.charge(units, packageSize, tiers).stream()
                .map(c -> c.packages() + "x" + c.unitAmount().toPlainString()).toList());
        assertEquals(expected, actual);
    }

    @org.junit.jupiter.api.Test
    void boundedLastTierRefusesUsageBeyondIt() {
        assertThrows(IllegalArgumentException.class,
                () -> GraduatedTiers.charge(5000, 1000, List.of(new Tier(2000L, BigDecimal.ONE))));
    }
}
