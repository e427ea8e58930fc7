package io.accrue.invoice.compute;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import io.accrue.invoice.compute.ComputedLine.LineType;
import io.accrue.invoice.compute.InvoiceInput.LateUsage;
import io.accrue.invoice.compute.InvoiceInput.PlanSegment;
import io.accrue.invoice.compute.PlanTerms.OverageRule;
import io.accrue.invoice.compute.PlanTerms.Tier;
import io.accrue.invoice.compute.UsageTotals.ModelUsage;

/**
 * Billing rules "Invoices" rule 3: usage is priced by the plan in effect when it occurred, the allowance consumed in
 * order across the period's plan segments (issue 13, point 9).
 */
class UsageBySegmentTest {

    static final Instant JAN = Instant.parse("2026-01-01T00:00:00Z");
    static final Instant FEB = Instant.parse("2026-02-01T00:00:00Z");
    static final Instant LAST_DAY = Instant.parse("2026-01-31T00:00:00Z");

    static final OverageRule TOKENS = new OverageRule("llm_tokens", 1000,
            List.of(new Tier(10_000_000L, new BigDecimal("0.003")), new Tier(null, new BigDecimal("0.002"))));

    /** 20.00 a month, 1 M tokens included. */
    static final PlanTerms CHEAP = new PlanTerms("cheap", 1, "tiered", "USD", new BigDecimal("20.00"),
            Map.of("llm_tokens", 1_000_000L), List.of(TOKENS));
    /** 500.00 a month, 100 M tokens included. */
    static final PlanTerms BIG = new PlanTerms("big", 1, "tiered", "USD", new BigDecimal("500.00"),
            Map.of("llm_tokens", 100_000_000L), List.of(TOKENS));
    static final PlanTerms PAYG = new PlanTerms("payg", 1, "pay_per_token", "USD", BigDecimal.ZERO, Map.of(),
            List.of());

    static UsageTotals tokens(long n) {
        return new UsageTotals(n, 0, 0, 0, BigDecimal.ZERO, List.of());
    }

    static PlanSegment seg(String from, String to, PlanTerms plan, long tokens) {
        return new PlanSegment(Instant.parse(from), Instant.parse(to), plan, tokens(tokens));
    }

    static InvoiceInput input(List<PlanSegment> segments) {
        return new InvoiceInput("USD", JAN, FEB, segments, null, new BigDecimal("0.20"), null, BigDecimal.ZERO,
                List.of());
    }

    static String lines(ComputedInvoice invoice) {
        return String.join("|", invoice.lines().stream()
                .map(l -> l.type().wire() + " " + l.amount().toPlainString()).toList());
    }

    static Stream<Arguments> scenarios() {
        return Stream.of(
                // the case of the issue: 50 M tokens on the cheap plan, upgrade on the last day. The old rule priced
                // all 50 M at the big plan's allowance and owed no overage (19.35 + 16.13 = 35.48)
                Arguments.of("50 M on cheap, upgrade on the last day: the cheap plan's overage is owed",
                        List.of(seg("2026-01-01T00:00:00Z", "2026-01-31T00:00:00Z", CHEAP, 50_000_000),
                                seg("2026-01-31T00:00:00Z", "2026-02-01T00:00:00Z", BIG, 0)),
                        // 49,000 packages: 10,000 × 0.003 + 39,000 × 0.002
                        "base_fee 19.35|base_fee 16.13|overage 30.00|overage 78.00", "143.48"),
                Arguments.of("usage after the upgrade uses what the big allowance leaves (100 M − 50 M)",
                        List.of(seg("2026-01-01T00:00:00Z", "2026-01-31T00:00:00Z", CHEAP, 50_000_000),
                                seg("2026-01-31T00:00:00Z", "2026-02-01T00:00:00Z", BIG, 55_000_000)),
                        // cheap: 49 M over as above; big: 50 M left, 5 M over, the tiers continue past 49 M (tier 2)
                        "base_fee 19.35|base_fee 16.13|overage 30.00|overage 78.00|overage 10.00", "153.48"),
                Arguments.of("within the cheap allowance before the upgrade: nothing over anywhere",
                        List.of(seg("2026-01-01T00:00:00Z", "2026-01-31T00:00:00Z", CHEAP, 900_000),
                                seg("2026-01-31T00:00:00Z", "2026-02-01T00:00:00Z", BIG, 99_100_000)),
                        "base_fee 19.35|base_fee 16.13", "35.48"),
                Arguments.of("big, then cheap, then big: one allowance (the largest), never two",
                        List.of(seg("2026-01-01T00:00:00Z", "2026-01-16T12:00:00Z", BIG, 90_000_000),
                                seg("2026-01-16T12:00:00Z", "2026-01-20T00:00:00Z", CHEAP, 5_000_000),
                                seg("2026-01-20T00:00:00Z", "2026-02-01T00:00:00Z", BIG, 20_000_000)),
                        // big 250.00 + cheap 20 × 3.5/31 = 2.258 + big 500 × 12/31 = 193.548; cheap: its 1 M was used
                        // by the first 90 M, so 5 M over = 5,000 × 0.003; big: 5 M left, 15 M over, tiers continue
                        // from 5,000 packages: 5,000 × 0.003 + 10,000 × 0.002
                        "base_fee 250.00|base_fee 2.26|base_fee 193.55|overage 15.00|overage 15.00|overage 20.00",
                        "495.81"),
                Arguments.of("a downgrade now after heavy use: the small plan has nothing left to include",
                        List.of(seg("2026-01-01T00:00:00Z", "2026-01-16T12:00:00Z", BIG, 60_000_000),
                                seg("2026-01-16T12:00:00Z", "2026-02-01T00:00:00Z", CHEAP, 2_000_000)),
                        "base_fee 250.00|base_fee 10.00|overage 6.00", "266.00"),
                Arguments.of("a cancellation: usage recorded after it belongs to the last plan (never lost)",
                        List.of(seg("2026-01-01T00:00:00Z", "2026-01-16T12:00:00Z", CHEAP, 3_000_000)),
                        "base_fee 10.00|overage 6.00", "16.00"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("scenarios")
    void pricesUsageByThePlanInEffectWhenItOccurred(String name, List<PlanSegment> segments, String expected,
            String total) {
        ComputedInvoice invoice = new InvoiceCalculator().compute(input(segments));
        assertEquals(expected, lines(invoice));
        assertEquals(new BigDecimal(total), invoice.total());
    }

    @Test
    void usageLinesAreDatedWithTheirSegmentsWindow() {
        ComputedInvoice invoice = new InvoiceCalculator().compute(input(List.of(
                seg("2026-01-01T00:00:00Z", "2026-01-31T00:00:00Z", CHEAP, 50_000_000),
                seg("2026-01-31T00:00:00Z", "2026-02-01T00:00:00Z", BIG, 55_000_000))));
        List<ComputedLine> overage = invoice.lines().stream().filter(l -> l.type() == LineType.OVERAGE).toList();
        assertEquals(JAN, overage.get(0).periodStart());
        assertEquals(LAST_DAY, overage.get(0).periodEnd());
        assertEquals(LAST_DAY, overage.get(2).periodStart());
        assertEquals(FEB, overage.get(2).periodEnd());
        assertTrue(overage.get(2).description().contains("50,000,000 included left of 100,000,000"),
                overage.get(2).description());
    }

    @Test
    void costPlusUsageIsPricedPerSegmentAtItsPlan() {
        // pay per token, then a tiered plan: the first part's tokens at cost plus markup, the rest against the
        // tiered allowance (nothing over)
        PlanSegment payg = new PlanSegment(JAN, LAST_DAY, PAYG, new UsageTotals(2_000_000, 0, 0, 0,
                new BigDecimal("10"), List.of(new ModelUsage("gpt-4o", "openai", 2_000_000, new BigDecimal("10")))));
        PlanSegment big = new PlanSegment(LAST_DAY, FEB, BIG, new UsageTotals(1_000_000, 0, 0, 0,
                new BigDecimal("5"), List.of(new ModelUsage("gpt-4o", "openai", 1_000_000, new BigDecimal("5")))));
        assertEquals("base_fee 16.13|llm_usage 12.00",
                lines(new InvoiceCalculator().compute(input(List.of(payg, big)))));
    }

    @Test
    void aPeriodsTotalUsageCannotStandInForSeveralSegments() {
        InvoiceInput in = new InvoiceInput("USD", JAN, FEB,
                List.of(new PlanSegment(JAN, LAST_DAY, CHEAP), new PlanSegment(LAST_DAY, FEB, BIG)),
                tokens(50_000_000), BigDecimal.ZERO, null, BigDecimal.ZERO, List.of());
        assertThrows(IllegalArgumentException.class, () -> new InvoiceCalculator().compute(in));
    }

    @Test
    void lateUsageOfASegmentedPeriodIsPricedPerSegment() {
        // December: cheap until the last day, then big. 500,000 late tokens of the cheap part are owed at cheap prices
        Instant dec = Instant.parse("2025-12-01T00:00:00Z");
        Instant dec31 = Instant.parse("2025-12-31T00:00:00Z");
        LateUsage late = new LateUsage(dec, JAN,
                List.of(new PlanSegment(dec, dec31, CHEAP, tokens(1_000_000)), new PlanSegment(dec31, JAN, BIG,
                        tokens(0))),
                List.of(new PlanSegment(dec, dec31, CHEAP, tokens(1_500_000)), new PlanSegment(dec31, JAN, BIG,
                        tokens(0))));
        InvoiceInput in = new InvoiceInput("USD", JAN, FEB, List.of(seg("2026-01-01T00:00:00Z",
                "2026-02-01T00:00:00Z", BIG, 0)), null, BigDecimal.ZERO, null, BigDecimal.ZERO, List.of(late));
        assertEquals("base_fee 500.00|late_usage 1.50", lines(new InvoiceCalculator().compute(in)));
    }

    /**
     * Random sequences of plan changes and usage: the units included over the period never exceed the largest
     * allowance of its plans (never two allowances), and a later change never lowers the overage already incurred.
     */
    @Test
    void noSequenceOfChangesGivesTwoAllowancesOrErasesOverage() {
        OverageRule perUnit = new OverageRule("llm_tokens", 1, List.of(new Tier(null, BigDecimal.ONE)));
        long[] allowances = {0, 1_000, 5_000, 20_000};
        Random random = new Random(13);
        for (int run = 0; run < 2_000; run++) {
            int n = 1 + random.nextInt(5);
            List<PlanSegment> segments = new ArrayList<>();
            long usage = 0;
            long largest = 0;
            Instant from = JAN;
            for (int i = 0; i < n; i++) {
                long allowance = allowances[random.nextInt(allowances.length)];
                largest = Math.max(largest, allowance);
                PlanTerms plan = new PlanTerms("p" + allowance, 1, "tiered", "USD", BigDecimal.ZERO,
                        Map.of("llm_tokens", allowance), List.of(perUnit));
                long used = random.nextInt(4) == 0 ? 0 : random.nextInt(15_000);
                usage += used;
                Instant to = i == n - 1 ? FEB : from.plus(Duration.ofDays(1 + random.nextInt(5)));
                segments.add(new PlanSegment(from, to, plan, tokens(used)));
                from = to;
            }
            BigDecimal previous = BigDecimal.ZERO;
            for (int k = 1; k <= n; k++) {
                BigDecimal overage = new InvoiceCalculator().compute(input(segments.subList(0, k))).total();
                // appending a change (and its usage) never lowers what the earlier usage already owed
                assertTrue(overage.compareTo(previous) >= 0, "run " + run + ": " + segments);
                previous = overage;
            }
            long included = usage - previous.longValueExact();
            assertTrue(included >= 0 && included <= largest,
                    "run " + run + ": " + included + " included, largest allowance " + largest + ": " + segments);
            assertTrue(included == Math.min(usage, largest) || n > 1, "one plan: exactly its allowance");
        }
    }
}
