package io.accrue.console.usage;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.math.BigDecimal;
import java.time.Instant;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class UsageMathTest {

    static final Instant START = Instant.parse("2026-03-01T00:00:00Z");
    static final Instant END = Instant.parse("2026-04-01T00:00:00Z"); // 31 days

    @ParameterizedTest(name = "{0} so far at {1} → {2}")
    @CsvSource(delimiter = '|', value = {
            "31.00 | 2026-03-02T00:00:00Z | 961.000000000000", // 1 of 31 days
            "15.50 | 2026-03-16T12:00:00Z | 31.000000000000", // half way
            "10    | 2026-04-01T00:00:00Z | 10", // period over: what was charged
            "10    | 2026-05-01T00:00:00Z | 10",
            "0     | 2026-03-10T00:00:00Z | 0E-12"})
    void projectsLinearly(String soFar, String now, String expected) {
        assertEquals(new BigDecimal(expected),
                UsageMath.projectAtPeriodEnd(new BigDecimal(soFar), START, END, Instant.parse(now)));
    }

    @Test
    void projectsNothingBeforeThePeriodOrWithoutData() {
        assertNull(UsageMath.projectAtPeriodEnd(BigDecimal.TEN, START, END, START));
        assertNull(UsageMath.projectAtPeriodEnd(BigDecimal.TEN, START, END, START.minusSeconds(60)));
        assertNull(UsageMath.projectAtPeriodEnd(null, START, END, END));
        assertNull(UsageMath.projectAtPeriodEnd(BigDecimal.TEN, END, START, END));
    }

    @ParameterizedTest(name = "{0} of {1} → {2}%")
    @CsvSource(value = {"0,1000,0", "999,1000,99", "1000,1000,100", "1050,1000,105", "5000,1000,500", "1,3,33",
            "2051570,1000000,205"})
    void percentOfAllowance(long used, long allowance, int expected) {
        assertEquals(expected, UsageMath.percentUsed(used, allowance));
    }

    @ParameterizedTest(name = "{0} of {1} → {2} over")
    @CsvSource(value = {"999,1000,0", "1000,1000,0", "1050,1000,50", "10,0,0"})
    void tokensAboveTheAllowance(long used, long allowance, long expected) {
        assertEquals(expected, UsageMath.overage(used, allowance));
    }

    @Test
    void noAllowanceNoBar() {
        assertNull(UsageMath.percentUsed(10, null));
        assertNull(UsageMath.percentUsed(10, 0L));
    }

    @Test
    void barsScaleToTheLargestDay() {
        BarChart chart = BarChart.of(List.of(new BarChart.Point("1 Mar", new BigDecimal("2"), "$2.00"),
                new BarChart.Point("2 Mar", new BigDecimal("4"), "$4.00"),
                new BarChart.Point("3 Mar", null, "—")));
        assertEquals(List.of(60, 120, 0), chart.bars().stream().map(BarChart.Bar::height).toList());
        assertEquals(List.of(60, 0, 120), chart.bars().stream().map(BarChart.Bar::y).toList());
        assertEquals(false, chart.empty());
        assertEquals(true, BarChart.of(List.of(new BarChart.Point("x", BigDecimal.ZERO, "$0"))).empty());
    }
}
