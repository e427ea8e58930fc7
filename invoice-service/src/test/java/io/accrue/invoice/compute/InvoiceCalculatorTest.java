package io.accrue.invoice.compute;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.math.BigDecimal;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import io.accrue.invoice.compute.ComputedLine.LineType;
import io.accrue.invoice.compute.ContractTerms.Commitment;
import io.accrue.invoice.compute.ContractTerms.NegotiatedRate;
import io.accrue.invoice.compute.InvoiceInput.LateUsage;
import io.accrue.invoice.compute.InvoiceInput.PlanSegment;
import io.accrue.invoice.compute.PlanTerms.OverageRule;
import io.accrue.invoice.compute.PlanTerms.Tier;
import io.accrue.invoice.compute.UsageTotals.ModelUsage;

/** Every pricing model, as a table: input → the lines "type amount" in order, and the total. */
class InvoiceCalculatorTest {

    static final Instant JAN = Instant.parse("2026-01-01T00:00:00Z");
    static final Instant FEB = Instant.parse("2026-02-01T00:00:00Z");
    static final Instant MID_JAN = Instant.parse("2026-01-16T12:00:00Z"); // exactly half of January
    static final Instant DEC = Instant.parse("2025-12-01T00:00:00Z");

    static final OverageRule TOKENS = new OverageRule("llm_tokens", 1000,
            List.of(new Tier(10_000_000L, new BigDecimal("0.003")), new Tier(null, new BigDecimal("0.002"))));
    static final OverageRule SESSIONS = new OverageRule("agent_sessions", 1,
            List.of(new Tier(null, new BigDecimal("0.50"))));

    static PlanTerms plan(String slug, String model, String currency, String base, OverageRule... rules) {
        return new PlanTerms(slug, 1, model, currency, new BigDecimal(base),
                Map.of("llm_tokens", 1_000_000L, "agent_sessions", 100L), List.of(rules));
    }

    static final PlanTerms PRO = plan("pro", "tiered", "USD", "99.00", TOKENS, SESSIONS);
    static final PlanTerms TEAM = plan("team", "tiered", "USD", "299.00", TOKENS, SESSIONS);
    static final PlanTerms FLAT = plan("flat", "flat", "USD", "49.00", TOKENS);
    static final PlanTerms PAYG = plan("payg", "pay_per_token", "USD", "0", TOKENS, SESSIONS);
    static final PlanTerms ENTERPRISE = plan("ent", "enterprise", "USD", "0", TOKENS, SESSIONS);

    static UsageTotals tokens(long total, long sessions, ModelUsage... models) {
        return new UsageTotals(total, 0, sessions, 0, BigDecimal.ZERO, List.of(models));
    }

    static ModelUsage model(String name, long tokens, String cost) {
        return new ModelUsage(name, "openai", tokens, new BigDecimal(cost));
    }

    static InvoiceInput input(String currency, List<PlanSegment> segments, UsageTotals usage, ContractTerms contract,
            String drawnBefore, List<LateUsage> late) {
        return new InvoiceInput(currency, JAN, FEB, segments, usage, new BigDecimal("0.20"), contract,
                new BigDecimal(drawnBefore), late);
    }

    static List<PlanSegment> whole(PlanTerms plan) {
        return List.of(new PlanSegment(DEC, Instant.parse("2026-06-01T00:00:00Z"), plan));
    }

    static ContractTerms contract(String commitment, Instant windowEnd, String credits, NegotiatedRate... rates) {
        return new ContractTerms("c-1", 1, "USD",
                commitment == null ? null : new Commitment(new BigDecimal(commitment), JAN, windowEnd),
                List.of(rates), new BigDecimal(credits));
    }

    static Stream<Arguments> scenarios() {
        return Stream.of(
                Arguments.of("flat: base fee only, usage ignored",
                        input("USD", whole(FLAT), tokens(9_000_000, 500), null, "0", List.of()),
                        "base_fee 49.00", "49.00"),
                Arguments.of("tiered within allowances: base fee only",
                        input("USD", whole(PRO), tokens(1_000_000, 100), null, "0", List.of()),
                        "base_fee 99.00", "99.00"),
                Arguments.of("tiered: 2,500 tokens over → 3 packages × 0.003 = 0.009 → 0.01",
                        input("USD", whole(PRO), tokens(1_002_500, 0), null, "0", List.of()),
                        "base_fee 99.00|overage 0.01", "99.01"),
                Arguments.of("tiered across the tier boundary: 10,000 + 2,000 packages",
                        input("USD", whole(PRO), tokens(13_000_000, 0), null, "0", List.of()),
                        "base_fee 99.00|overage 30.00|overage 4.00", "133.00"),
                Arguments.of("agent sessions above the allowance, per session",
                        input("USD", whole(PRO), tokens(0, 105), null, "0", List.of()),
                        "base_fee 99.00|overage 2.50", "101.50"),
                Arguments.of("upgrade at mid-month: each plan's share of the base fee",
                        input("USD", List.of(new PlanSegment(DEC, MID_JAN, PRO), new PlanSegment(MID_JAN, FEB, TEAM)),
                                tokens(0, 0), null, "0", List.of()),
                        "base_fee 49.50|base_fee 149.50", "199.00"),
                Arguments.of("cancellation at mid-month: half the fee, nothing after",
                        input("USD", List.of(new PlanSegment(DEC, MID_JAN, PRO)), tokens(0, 0), null, "0", List.of()),
                        "base_fee 49.50", "49.50"),
                Arguments.of("pay per token: one cost-plus line per model, each rounded once",
                        input("USD", whole(PAYG), tokens(3_000_000, 0, model("gpt-4o", 2_000_000, "12.345678901234"),
                                model("o3-mini", 1_000_000, "0.004166666666")), null, "0", List.of()),
                        // 14.8148146814808 → 14.81 ; 0.0049999999992 → 0.00 (a real, if tiny, charge: the line stays)
                        "llm_usage 14.81|llm_usage 0.00", "14.81"),
                Arguments.of("pay per token never charges tokens twice (no llm_tokens overage), sessions still",
                        input("USD", whole(PAYG), tokens(9_000_000, 101, model("gpt-4o", 9_000_000, "10")), null, "0",
                                List.of()),
                        "overage 0.50|llm_usage 12.00", "12.50"),
                Arguments.of("metered billing mode, tiered plan: Stripe bills the tokens, Accrue the fee and sessions",
                        input("USD", whole(PRO.withoutTokenCharges()), tokens(13_000_000, 105), null, "0", List.of()),
                        "base_fee 99.00|overage 2.50", "101.50"),
                Arguments.of("metered billing mode, pay per token: no cost-plus token lines, sessions still",
                        input("USD", whole(PAYG.withoutTokenCharges()),
                                tokens(9_000_000, 101, model("gpt-4o", 9_000_000, "10")), null, "0", List.of()),
                        "overage 0.50", "0.50"),
                Arguments.of("contract: negotiated discount on a meter and fixed price for a model",
                        input("USD", whole(ENTERPRISE), tokens(5_000_000, 110, model("gpt-4o", 5_000_000, "100")),
                                contract(null, FEB, "0", new NegotiatedRate("agent_sessions", null, "discount_percent",
                                        new BigDecimal("20")),
                                        new NegotiatedRate(null, "gpt-4o", "fixed_unit_price",
                                                new BigDecimal("0.000015"))),
                                "0", List.of()),
                        "overage 4.00|llm_usage 75.00", "79.00"),
                Arguments.of("commitment window ends: true-up of the shortfall",
                        input("USD", whole(ENTERPRISE), tokens(1_000_000, 0, model("gpt-4o", 1_000_000, "250")),
                                contract("1000.00", FEB, "0"), "400.00", List.of()),
                        "llm_usage 300.00|commitment_true_up 300.00", "600.00"),
                Arguments.of("commitment window continues: drawdown only, no true-up",
                        input("USD", whole(ENTERPRISE), tokens(1_000_000, 0, model("gpt-4o", 1_000_000, "250")),
                                contract("1000.00", Instant.parse("2026-04-01T00:00:00Z"), "0"), "0", List.of()),
                        "llm_usage 300.00", "300.00"),
                Arguments.of("commitment exceeded: no true-up",
                        input("USD", whole(ENTERPRISE), tokens(1_000_000, 0, model("gpt-4o", 1_000_000, "1000")),
                                contract("1000.00", FEB, "0"), "0", List.of()),
                        "llm_usage 1200.00", "1200.00"),
                Arguments.of("prepaid credits smaller than the charges",
                        input("USD", whole(PRO), tokens(0, 0), contract(null, FEB, "50.129"), "0", List.of()),
                        "base_fee 99.00|prepaid_credit -50.12", "48.88"),
                Arguments.of("prepaid credits larger than the charges: total zero, never negative",
                        input("USD", whole(PRO), tokens(0, 0), contract(null, FEB, "500"), "0", List.of()),
                        "base_fee 99.00|prepaid_credit -99.00", "0.00"),
                Arguments.of("late usage of December: marginal charge at December's prices, own line",
                        input("USD", whole(PRO), tokens(0, 0), null, "0", List.of(new LateUsage(DEC, JAN, PRO,
                                tokens(999_000, 0), tokens(1_003_000, 0)))),
                        "base_fee 99.00|late_usage 0.01", "99.01"),
                Arguments.of("late usage entirely inside the allowance costs nothing",
                        input("USD", whole(PRO), tokens(0, 0), null, "0", List.of(new LateUsage(DEC, JAN, PRO,
                                tokens(10, 0), tokens(900_000, 0)))),
                        "base_fee 99.00", "99.00"),
                Arguments.of("yen: no decimals",
                        input("JPY", whole(plan("pro-jp", "tiered", "JPY", "15000", TOKENS)), tokens(0, 0), null, "0",
                                List.of()),
                        "base_fee 15000", "15000"),
                Arguments.of("Bahraini dinar: three decimals",
                        input("BHD", whole(plan("pro-bh", "pay_per_token", "BHD", "0", TOKENS)),
                                tokens(1, 0, model("gpt-4o", 1, "0.0005")), null, "0", List.of()),
                        "llm_usage 0.001", "0.001"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("scenarios")
    void computesLinesAndExactTotals(String name, InvoiceInput in, String expectedLines, String expectedTotal) {
        ComputedInvoice invoice = new InvoiceCalculator().compute(in);
        String actual = String.join("|", invoice.lines().stream()
                .map(l -> l.type().wire() + " " + l.amount().toPlainString()).toList());
        assertEquals(expectedLines, actual);
        assertEquals(new BigDecimal(expectedTotal), invoice.total());
        // the total is the exact sum of the rounded lines, and every line is at the currency's scale
        assertEquals(invoice.total(), invoice.lines().stream().map(ComputedLine::amount)
                .reduce(BigDecimal.ZERO, BigDecimal::add));
        int scale = Rounding.minorUnit(in.currency());
        invoice.lines().forEach(l -> assertEquals(scale, l.amount().scale(), l.toString()));
    }

    @Test
    void commitmentDrawdownAndCreditsAreReported() {
        ComputedInvoice invoice = new InvoiceCalculator().compute(input("USD", whole(ENTERPRISE),
                tokens(1_000_000, 0, model("gpt-4o", 1_000_000, "250")), contract("1000.00", FEB, "100"), "400.00",
                List.of()));
        assertEquals(new BigDecimal("300.00"), invoice.commitmentDrawdown());
        assertEquals(new BigDecimal("100.00"), invoice.creditsApplied());
        assertEquals(new BigDecimal("600.00"), invoice.subtotal());
        assertEquals(new BigDecimal("500.00"), invoice.total());
    }

    @Test
    void inputsInAnotherCurrencyFailRatherThanConvert() {
        assertThrows(IllegalArgumentException.class, () -> new InvoiceCalculator()
                .compute(input("EUR", whole(PRO), tokens(0, 0), null, "0", List.of())));
        assertThrows(IllegalArgumentException.class, () -> new InvoiceCalculator().compute(
                input("USD", whole(PRO), tokens(0, 0), new ContractTerms("c", 1, "EUR", null, List.of(), null), "0",
                        List.of())));
    }

    @Test
    void lineTypeIsCreditOnlyForCredits() {
        assertEquals(true, LineType.PREPAID_CREDIT.isCredit());
        assertEquals(false, LineType.COMMITMENT_TRUE_UP.isCredit());
    }
}
