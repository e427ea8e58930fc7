package io.accrue.invoice.enduser;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Instant;
import java.time.ZoneId;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Which periods an organisation may invoice its end users for (billing-rules "Invoices", rule 13). */
class EndUserPeriodsTest {

    static final Instant NOW = Instant.parse("2026-03-15T10:00:00Z");
    static final Instant CREATED = Instant.parse("2025-12-01T09:30:00Z");

    @ParameterizedTest(name = "[{0}, {1}) {2} {3} → {4}")
    @CsvSource({
            "2026-02-01T00:00:00Z, 2026-03-01T00:00:00Z, UTC, month, ok",
            "2025-12-01T00:00:00Z, 2026-01-01T00:00:00Z, UTC, month, ok", // the month the account was created in
            "2026-03-01T00:00:00Z, 2026-04-01T00:00:00Z, UTC, month, period_invalid", // not over
            "2026-02-01T00:00:00Z, 2026-02-01T00:00:00Z, UTC, month, period_invalid", // empty
            "2026-03-01T00:00:00Z, 2026-02-01T00:00:00Z, UTC, month, period_invalid", // reversed
            "1969-12-01T00:00:00Z, 1970-01-01T00:00:00Z, UTC, month, period_before_account",
            "2025-11-01T00:00:00Z, 2025-12-01T00:00:00Z, UTC, month, period_before_account",
            "2026-02-15T00:00:00Z, 2026-03-15T00:00:00Z, UTC, month, period_not_billing_period",
            "2026-01-01T00:00:00Z, 2026-03-01T00:00:00Z, UTC, month, period_not_billing_period", // two months
            "2026-02-01T00:00:00Z, 2026-02-28T00:00:00Z, UTC, month, period_not_billing_period", // short
            "2026-02-01T00:00:00Z, 2026-03-01T00:00:00Z, Asia/Tokyo, month, period_not_billing_period",
            "2026-01-31T15:00:00Z, 2026-02-28T15:00:00Z, Asia/Tokyo, month, ok",
            // New York: March starts at 05:00 UTC (EST), April at 04:00 UTC (EDT)
            "2026-02-01T05:00:00Z, 2026-03-01T05:00:00Z, America/New_York, month, ok",
            "2025-01-01T00:00:00Z, 2026-01-01T00:00:00Z, UTC, year, ok", // yearly: the year the account began
            "2026-02-01T00:00:00Z, 2026-03-01T00:00:00Z, UTC, year, period_not_billing_period"})
    void periods(Instant start, Instant end, String zone, String interval, String expected) {
        String outcome = EndUserPeriods.check(start, end, NOW, ZoneId.of(zone), interval, CREATED)
                .map(EndUserPeriods.Refusal::code).orElse("ok");
        assertEquals(expected, outcome);
    }
}
