package io.accrue.console.format;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class FormatsTest {

    @ParameterizedTest(name = "{0} {1} → {2}")
    @CsvSource(delimiter = '|', value = {
            "12.340000000000 | USD | $12.34",
            "12.345000000000 | USD | $12.35", // half-up at the minor unit, for display only
            "12.344999999999 | USD | $12.34",
            "1234567.5       | EUR | €1,234,567.50",
            "0.000000000000  | EUR | €0.00",
            "0.003500000000  | USD | < $0.01", // a fraction of a cent is shown as such, never as nothing
            "-0.000400000000 | USD | > -$0.01",
            "0.4             | JPY | < ¥1",
            "-3.455          | USD | -$3.46",
            "1500.4          | JPY | ¥1,500", // no minor unit
            "1.2345          | BHD | BHD1.235", // three decimals
            "abc             | USD | —", // unreadable is a dash, never zero
            "12.00           | XYZ | 12.00 XYZ"})
    void money(String amount, String currency, String expected) {
        assertEquals(expected, Formats.money(amount, currency));
    }

    @ParameterizedTest(name = "{0} {1} → {2}")
    @CsvSource(delimiter = '|', value = {
            "1       | request | 1 request",
            "0       | request | 0 requests",
            "2051570 | token   | 2,051,570 tokens",
            "1.0     | session | 1 session",
            "abc     | request | — requests"})
    void count(String value, String noun, String expected) {
        assertEquals(expected, Formats.count(value, noun));
    }

    @ParameterizedTest(name = "unit price {0} {1} → {2}")
    @CsvSource(delimiter = '|', value = {
            "0.003000        | USD | $0.003", // a per-package price keeps its decimals, in its currency
            "0.003           | EUR | €0.003",
            "99              | USD | $99.00",
            "0.5             | JPY | ¥0.5", // a unit price may be finer than the minor unit
            "0.000000000002  | USD | $0.000000000002",
            "abc             | USD | —",
            "0.003           | XYZ | 0.003 XYZ"})
    void unitPrice(String amount, String currency, String expected) {
        assertEquals(expected, Formats.unitPrice(amount, currency));
    }

    @ParameterizedTest(name = "{0} in {1} → {2}")
    @CsvSource(delimiter = '|', value = {
            "2026-03-01T00:00:00Z | UTC              | 1 Mar 2026",
            "2026-03-01T00:00:00Z | America/New_York | 28 Feb 2026",
            "2026-03-01T00:00:00Z | Asia/Tokyo       | 1 Mar 2026",
            "2026-03-01T00:00:00Z | Not/AZone        | 1 Mar 2026",
            "garbage              | UTC              | —"})
    void date(String instant, String zone, String expected) {
        assertEquals(expected, Formats.date(instant, zone));
    }

    @ParameterizedTest(name = "period ending {0} in {1} is shown until {2}")
    @CsvSource(delimiter = '|', value = {
            "2026-04-01T00:00:00Z | UTC           | 31 Mar 2026", // half-open [from, to)
            "2024-03-01T00:00:00Z | UTC           | 29 Feb 2024", // leap year
            "2026-04-01T00:00:00Z | Europe/Berlin | 1 Apr 2026"})
    void lastDayOfHalfOpenPeriod(String end, String zone, String expected) {
        assertEquals(expected, Formats.lastDay(end, zone));
    }
}
