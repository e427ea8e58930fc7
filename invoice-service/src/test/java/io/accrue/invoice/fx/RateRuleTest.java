package io.accrue.invoice.fx;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.time.Instant;
import java.time.LocalDate;
import java.util.List;
import java.util.Optional;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Which rate a period converts with (docs/billing-rules.md, "Currencies"), as a table over one small rate set. */
class RateRuleTest {

    static final LocalDate FRI = LocalDate.parse("2026-02-27");
    static final LocalDate THU = LocalDate.parse("2026-02-26");

    /** ECB-style EUR legs on Thursday and Friday, one operator-set USD→JPY on Thursday, one old GBP rate. */
    static final List<DatedRate> RATES = List.of(
            new DatedRate("EUR", "USD", THU, new BigDecimal("1.0800"), "ECB"),
            new DatedRate("EUR", "JPY", THU, new BigDecimal("162.00"), "ECB"),
            new DatedRate("EUR", "USD", FRI, new BigDecimal("1.0823"), "ECB"),
            new DatedRate("EUR", "JPY", FRI, new BigDecimal("161.20"), "ECB"),
            new DatedRate("USD", "JPY", THU, new BigDecimal("150.5"), "operator"),
            new DatedRate("EUR", "GBP", LocalDate.parse("2026-02-01"), new BigDecimal("0.85"), "ECB"));

    @ParameterizedTest(name = "{0}→{1} for {2}: {3} of {4} ({5})")
    @CsvSource({
            // direct pair, the latest day on or before the rate day: Saturday and Sunday take Friday's
            "EUR, USD, 2026-02-28, 1.0823, 2026-02-27, ECB",
            "EUR, USD, 2026-03-01, 1.0823, 2026-02-27, ECB",
            "EUR, USD, 2026-02-26, 1.0800, 2026-02-26, ECB",
            // inverse of a stored pair, 1 / rate at 12 places half-up
            "USD, EUR, 2026-02-27, 0.923958237088, 2026-02-27, ECB (inverse)",
            // cross through EUR on the latest day both legs exist: 161.20 / 1.0823
            "USD, JPY, 2026-02-28, 148.942067818535, 2026-02-27, ECB (cross via EUR)",
            "JPY, USD, 2026-02-27, 0.006714019851, 2026-02-27, ECB (cross via EUR)",
            // on a day with a stored pair, the stored pair wins over the cross rate
            "USD, JPY, 2026-02-26, 150.5, 2026-02-26, operator",
            // a rate up to 7 days old counts
            "EUR, GBP, 2026-02-08, 0.85, 2026-02-01, ECB"})
    void resolves(String from, String to, LocalDate day, String rate, LocalDate rateDate, String source) {
        FxRate r = RateRule.resolve(from, to, day, 7, RATES).orElseThrow();
        assertEquals(0, new BigDecimal(rate).compareTo(r.rate()), r.rate() + " expected " + rate);
        assertEquals(rateDate, r.date());
        assertEquals(source, r.source());
        assertEquals(from, r.from());
        assertEquals(to, r.to());
    }

    @ParameterizedTest(name = "{0}→{1} for {2}: missing")
    @CsvSource({
            "EUR, GBP, 2026-02-09", // 8 days old: stale counts as missing
            "EUR, USD, 2026-02-25", // nothing on or before that day
            "EUR, CHF, 2026-02-27", // never recorded
            "GBP, USD, 2026-02-27"}) // the GBP leg is too old for a cross rate on any day in range
    void missing(String from, String to, LocalDate day) {
        assertEquals(Optional.empty(), RateRule.resolve(from, to, day, 7, RATES));
    }

    @Test
    void crossRateIsTheQuotientOfTheLegsRoundedOnce() {
        BigDecimal expected = new BigDecimal("161.20").divide(new BigDecimal("1.0823"), 12, RoundingMode.HALF_UP);
        assertEquals(expected, RateRule.resolve("USD", "JPY", FRI, 7, RATES).orElseThrow().rate());
    }

    @ParameterizedTest(name = "period ending {0} → rate day {1}")
    @CsvSource({
            "2026-03-01T00:00:00Z, 2026-02-28", // half-open: the last instant is still in February
            "2026-03-01T00:00:00.000000001Z, 2026-03-01",
            "2026-02-28T15:00:00Z, 2026-02-28"}) // a Tokyo month ends at 15:00 UTC
    void rateDayIsTheUtcDateOfThePeriodsLastInstant(Instant end, LocalDate day) {
        assertEquals(day, RateRule.rateDay(end));
    }

    @Test
    void sameCurrencyNeedsNoRate() {
        assertTrue(RateRule.resolve("JPY", "JPY", FRI, 7, List.of()).isPresent());
    }
}
