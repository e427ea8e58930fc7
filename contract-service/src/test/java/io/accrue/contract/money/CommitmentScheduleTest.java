package io.accrue.contract.money;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.math.BigDecimal;
import java.time.Instant;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class CommitmentScheduleTest {

    @ParameterizedTest(name = "{0} {1}..{2} → {3} windows, first [{4}, {5}) {6}, last [{7}, {8}) {9}")
    @CsvSource(delimiter = '|', textBlock = """
            # period   | term start           | term end             | n  | first start          | first end            | first committed       | last start           | last end             | last committed
            annual     | 2026-01-01T00:00:00Z | 2027-01-01T00:00:00Z | 1  | 2026-01-01T00:00:00Z | 2027-01-01T00:00:00Z | 1200.000000000000     | 2026-01-01T00:00:00Z | 2027-01-01T00:00:00Z | 1200.000000000000
            quarterly  | 2026-01-01T00:00:00Z | 2027-01-01T00:00:00Z | 4  | 2026-01-01T00:00:00Z | 2026-04-01T00:00:00Z | 1200.000000000000     | 2026-10-01T00:00:00Z | 2027-01-01T00:00:00Z | 1200.000000000000
            monthly    | 2026-01-31T00:00:00Z | 2026-05-31T00:00:00Z | 4  | 2026-01-31T00:00:00Z | 2026-02-28T00:00:00Z | 1200.000000000000     | 2026-04-30T00:00:00Z | 2026-05-31T00:00:00Z | 1200.000000000000
            # leap year: February 2028 has 29 days, windows anchor on the 29th
            monthly    | 2028-01-29T00:00:00Z | 2028-04-29T00:00:00Z | 3  | 2028-01-29T00:00:00Z | 2028-02-29T00:00:00Z | 1200.000000000000     | 2028-03-29T00:00:00Z | 2028-04-29T00:00:00Z | 1200.000000000000
            # partial last period: 18-month term, annual commitment → a half-year stub (181 of 365 days of 2027 → 2028)
            annual     | 2026-01-01T00:00:00Z | 2027-07-01T00:00:00Z | 2  | 2026-01-01T00:00:00Z | 2027-01-01T00:00:00Z | 1200.000000000000     | 2027-01-01T00:00:00Z | 2027-07-01T00:00:00Z | 595.068493150685
            # partial quarter: term ends 15 May, the April–June quarter (91 days) prorated 44 of 91 days
            quarterly  | 2026-01-01T00:00:00Z | 2026-05-15T00:00:00Z | 2  | 2026-01-01T00:00:00Z | 2026-04-01T00:00:00Z | 1200.000000000000     | 2026-04-01T00:00:00Z | 2026-05-15T00:00:00Z | 580.219780219780
            whole_term | 2026-03-10T12:00:00Z | 2028-03-10T12:00:00Z | 1  | 2026-03-10T12:00:00Z | 2028-03-10T12:00:00Z | 1200.000000000000     | 2026-03-10T12:00:00Z | 2028-03-10T12:00:00Z | 1200.000000000000
            # term shorter than one period: a single stub
            annual     | 2026-01-01T00:00:00Z | 2026-02-01T00:00:00Z | 1  | 2026-01-01T00:00:00Z | 2026-02-01T00:00:00Z | 101.917808219178      | 2026-01-01T00:00:00Z | 2026-02-01T00:00:00Z | 101.917808219178
            """)
    void cutsTheTermIntoWindows(String period, String termStart, String termEnd, int count, String firstStart,
            String firstEnd, String firstCommitted, String lastStart, String lastEnd, String lastCommitted) {
        List<CommitmentWindow> windows = CommitmentSchedule.windows(Instant.parse(termStart), Instant.parse(termEnd),
                CommitmentPeriod.of(period), new BigDecimal("1200"));
        assertEquals(count, windows.size());
        CommitmentWindow first = windows.get(0);
        CommitmentWindow last = windows.get(count - 1);
        assertEquals(Instant.parse(firstStart), first.start());
        assertEquals(Instant.parse(firstEnd), first.end());
        assertEquals(new BigDecimal(firstCommitted), first.committed());
        assertEquals(Instant.parse(lastStart), last.start());
        assertEquals(Instant.parse(lastEnd), last.end());
        assertEquals(new BigDecimal(lastCommitted), last.committed());
        for (int i = 1; i < windows.size(); i++) {
            assertEquals(windows.get(i - 1).end(), windows.get(i).start(), "windows tile the term without gaps");
        }
    }

    @ParameterizedTest(name = "terminated at {0}: {1} windows, last ends {2} committing {3}")
    @CsvSource(delimiter = '|', textBlock = """
            2026-02-15T00:00:00Z | 1 | 2026-02-15T00:00:00Z | 600.000000000000
            2026-04-01T00:00:00Z | 1 | 2026-04-01T00:00:00Z | 1200.000000000000
            2026-05-16T00:00:00Z | 2 | 2026-05-16T00:00:00Z | 600.000000000000
            """)
    void terminationTruncatesAndProratesTheWindowItFallsIn(String terminatedAt, int count, String lastEnd,
            String lastCommitted) {
        // quarterly 2026, 1200 per quarter: Jan–Mar has 90 days, Apr–Jun 91 days
        List<CommitmentWindow> windows = CommitmentSchedule.windows(Instant.parse("2026-01-01T00:00:00Z"),
                Instant.parse("2027-01-01T00:00:00Z"), Instant.parse(terminatedAt), CommitmentPeriod.QUARTERLY,
                at -> new BigDecimal("1200"));
        assertEquals(count, windows.size());
        CommitmentWindow last = windows.get(count - 1);
        assertEquals(Instant.parse(lastEnd), last.end());
        // 45 of 90 days → 600; 45 of 91 days → 593.406593406593
        BigDecimal expected = count == 2 ? new BigDecimal("593.406593406593") : new BigDecimal(lastCommitted);
        assertEquals(expected, last.committed());
    }

    @Test
    void amendmentChangesTheCommitmentFromTheWindowItStartsIn() {
        Instant amendedFrom = Instant.parse("2026-07-01T00:00:00Z");
        List<CommitmentWindow> windows = CommitmentSchedule.windows(Instant.parse("2026-01-01T00:00:00Z"),
                Instant.parse("2027-01-01T00:00:00Z"), Instant.parse("2027-01-01T00:00:00Z"),
                CommitmentPeriod.QUARTERLY,
                start -> start.isBefore(amendedFrom) ? new BigDecimal("1000") : new BigDecimal("2000"));
        assertEquals(List.of("1000", "1000", "2000", "2000"),
                windows.stream().map(w -> w.committed().stripTrailingZeros().toPlainString()).toList());
    }
}
