package io.accrue.invoice.compute;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.math.BigDecimal;
import java.time.Instant;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import io.accrue.invoice.compute.ComputedLine.LineType;
import io.accrue.invoice.compute.ContractTerms.MinimumSpend;
import io.accrue.invoice.compute.ContractTerms.NegotiatedRate;
import io.accrue.invoice.compute.InvoiceInput.LateUsage;
import io.accrue.invoice.compute.InvoiceInput.PlanSegment;
import io.accrue.invoice.compute.PlanTerms.OverageRule;
import io.accrue.invoice.compute.PlanTerms.Tier;

/**
 * Issue 13's rules meeting in one invoice: usage by plan segment with a contract discount in a currency without
 * minor units, and minimum top-ups with late usage and prepaid credits. Expected amounts are worked by hand in the
 * comments.
 */
class CrossFeatureCalculatorTest {

    static final Instant JAN = Instant.parse("2026-01-01T00:00:00Z");
    static final Instant UPGRADE = Instant.parse("2026-01-21T00:00:00Z");
    static final Instant FEB = Instant.parse("2026-02-01T00:00:00Z");
    static final Instant MAR = Instant.parse("2026-03-01T00:00:00Z");

    static final OverageRule TOKENS_JPY = new OverageRule("llm_tokens", 1000,
            List.of(new Tier(10_000_000L, new BigDecimal("45")), new Tier(null, new BigDecimal("30"))));
    static final PlanTerms SMALL_JPY = new PlanTerms("small", 1, "tiered", "JPY", new BigDecimal("3000"),
            Map.of("llm_tokens", 1_000_000L), List.of(TOKENS_JPY));
    static final PlanTerms LARGE_JPY = new PlanTerms("large", 1, "tiered", "JPY", new BigDecimal("75000"),
            Map.of("llm_tokens", 100_000_000L), List.of(TOKENS_JPY));

    static UsageTotals tokens(long n) {
        return new UsageTotals(n, 0, 0, 0, BigDecimal.ZERO, List.of());
    }

    static String lines(ComputedInvoice invoice) {
        return String.join("|", invoice.lines().stream()
                .map(l -> l.type().wire() + " " + l.amount().toPlainString()).toList());
    }

    @Test
    void aJpyUpgradeMidPeriodWithAContractDiscountKeepsTheSmallPlansOverageAndRoundsEachLineToTheYen() {
        // 20 days of small, 11 of large; 30,000,500 tokens before the upgrade, 80 M after; 12.5 % off the tokens;
        // 1,000.7 yen of credits (rounded down to 1,000: never more than is held)
        ContractTerms contract = new ContractTerms("c-jpy", 1, "JPY", null,
                List.of(new NegotiatedRate("llm_tokens", null, "discount_percent", new BigDecimal("12.5"))),
                new BigDecimal("1000.7"));
        ComputedInvoice invoice = new InvoiceCalculator().compute(new InvoiceInput("JPY", JAN, FEB,
                List.of(new PlanSegment(JAN, UPGRADE, SMALL_JPY, tokens(30_000_500)),
                        new PlanSegment(UPGRADE, FEB, LARGE_JPY, tokens(80_000_000))),
                null, new BigDecimal("0.20"), contract, BigDecimal.ZERO, List.of()));
        // base: 3000 × 20/31 = 1935.48 → 1935; 75000 × 11/31 = 26612.90 → 26613
        // small: 29,000,500 over → 29,001 packages: 10,000 × 39.375 = 393,750 and 19,001 × 26.25 = 498,776.25
        // large: 100 M − 30,000,500 included left, 10,000,500 over; tiers continue from 29,001 packages:
        // 39,001 − 29,001 = 10,000 packages in tier 2 × 26.25 = 262,500 (never the first tier again)
        assertEquals("base_fee 1935|base_fee 26613|overage 393750|overage 498776|overage 262500|prepaid_credit -1000",
                lines(invoice));
        assertEquals(new BigDecimal("1183574"), invoice.subtotal());
        assertEquals(new BigDecimal("1182574"), invoice.total());
        for (ComputedLine l : invoice.lines()) {
            assertTrue(l.amount().stripTrailingZeros().scale() <= 0, "whole yen: " + l.amount());
        }
        ComputedLine afterUpgrade = invoice.lines().get(4);
        assertTrue(afterUpgrade.description().contains("large plan"), afterUpgrade.description());
        assertTrue(afterUpgrade.description().contains("included left of 100,000,000"), afterUpgrade.description());
        assertTrue(afterUpgrade.description().startsWith("LLM tokens above"), "named for people, not by the meter key: "
                + afterUpgrade.description());
        assertEquals("llm_tokens", afterUpgrade.meter(), "the line's meter field keeps the key");
        assertEquals(UPGRADE, afterUpgrade.periodStart());
    }

    @Test
    void lateUsageCountsTowardTheMinimumOfItsInvoiceAndCreditsPayTheTopUp() {
        OverageRule tokens = new OverageRule("llm_tokens", 1000, List.of(new Tier(null, new BigDecimal("0.003"))));
        PlanTerms pro = new PlanTerms("pro", 3, "tiered", "USD", new BigDecimal("99.00"),
                Map.of("llm_tokens", 1_000_000L), List.of(tokens));
        // January was billed with 500 k tokens; 2 M are recorded now: the late line is 1,000 packages × 0.003
        LateUsage late = new LateUsage(JAN, FEB, pro, tokens(500_000), tokens(2_000_000));
        MinimumSpend monthly = new MinimumSpend("monthly", new BigDecimal("150"), FEB, MAR, BigDecimal.ZERO);
        MinimumSpend quarterly = new MinimumSpend("quarterly", new BigDecimal("500"), JAN,
                Instant.parse("2026-04-01T00:00:00Z"), new BigDecimal("150.00"));
        ContractTerms contract = new ContractTerms("c", 1, "USD", null, List.of(), new BigDecimal("120"),
                List.of(quarterly, monthly));
        ComputedInvoice invoice = new InvoiceCalculator().compute(new InvoiceInput("USD", FEB, MAR,
                List.of(new PlanSegment(FEB, MAR, pro, tokens(500_000))), null, new BigDecimal("0.20"), contract,
                BigDecimal.ZERO, List.of(late)));
        // monthly: 150 − 99 − 3 = 48.00; the quarterly window is not over with February: no top-up yet;
        // credits pay 120.00 of the 150.00 charged, top-up included
        assertEquals("base_fee 99.00|late_usage 3.00|minimum_top_up 48.00|prepaid_credit -120.00", lines(invoice));
        assertEquals(new BigDecimal("150.00"), invoice.subtotal());
        assertEquals(new BigDecimal("30.00"), invoice.total());
        assertEquals(LineType.MINIMUM_TOP_UP, invoice.lines().get(2).type());
        assertEquals("monthly", invoice.lines().get(2).meter());
    }
}
