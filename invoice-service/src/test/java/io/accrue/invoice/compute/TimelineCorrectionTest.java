package io.accrue.invoice.compute;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import io.accrue.invoice.compute.CreditNotes.Original;
import io.accrue.invoice.compute.PlanTerms.Tier;

/** What a late timeline change gives back of an invoiced base fee, and tiers that continue across segments. */
class TimelineCorrectionTest {

    /** Base-fee lines as "position:amount:alreadyRefunded"; the result as "position:credit". */
    @ParameterizedTest(name = "{0}, owed now {1} → {2}")
    @CsvSource(delimiter = '|', value = {
            // canceled half-way: half the fee back
            "1:99.00:0 | 49.50 | 1:49.50",
            // the same correction again (its credit note is now refunded on the line): nothing
            "1:99.00:49.50 | 49.50 | ''",
            // a cancellation found to be even earlier: only the rest
            "1:99.00:49.50 | 24.75 | 1:24.75",
            // two segments: taken from the last one first, then the one before
            "1:49.50:0 2:149.50:0 | 20.00 | 2:149.50 1:29.50",
            // a manual credit note already refunded part of the fee: the fee never ends below what is owed
            "1:49.50:0 2:149.50:100.00 | 20.00 | 2:49.50 1:29.50",
            // the timeline now owes more (a late reactivation): never billed after the fact
            "1:49.50:0 | 99.00 | ''",
    })
    void creditsWhatTheTimelineNoLongerOwes(String lines, String owedNow, String expected) {
        List<Original> originals = new ArrayList<>();
        for (String l : lines.split(" ")) {
            String[] p = l.split(":");
            originals.add(new Original(Integer.parseInt(p[0]), "fee", new BigDecimal(p[1]), new BigDecimal(p[2])));
        }
        String actual = TimelineCorrection.credit(originals, new BigDecimal(owedNow)).entrySet().stream()
                .map(e -> e.getKey() + ":" + e.getValue().toPlainString()).collect(Collectors.joining(" "));
        assertEquals(expected, actual);
    }

    /** Tiers: 10 packages at 3, then 2; packages of 1,000. The increment as "tier×packages". */
    @ParameterizedTest(name = "{0} already, {1} more → {2}")
    @CsvSource(delimiter = '|', value = {
            "0 | 2500 | 1×3",
            "2500 | 600 | 1×1",
            "9000 | 3000 | 1×1 2×2",
            "12000 | 1000 | 2×1",
            "0 | 0 | ''",
    })
    void tiersContinueWhereTheEarlierSegmentLeftThem(long already, long more, String expected) {
        List<Tier> tiers = List.of(new Tier(10_000L, new BigDecimal("3")), new Tier(null, new BigDecimal("2")));
        String actual = GraduatedTiers.chargeAfter(already, more, 1000, tiers).stream()
                .map(c -> c.tier() + "×" + c.packages()).collect(Collectors.joining(" "));
        assertEquals(expected, actual);
    }
}
