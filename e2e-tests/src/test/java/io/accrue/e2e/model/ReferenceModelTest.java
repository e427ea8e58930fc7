package io.accrue.e2e.model;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.math.BigDecimal;
import java.time.Instant;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import io.accrue.e2e.model.History.ContractSpec;
import io.accrue.e2e.model.History.Event;
import io.accrue.e2e.model.History.PlanSpec;
import io.accrue.e2e.model.History.Tier;
import io.accrue.e2e.model.ReferenceModel.Late;
import io.accrue.e2e.model.ReferenceModel.Line;
import io.accrue.e2e.model.ReferenceModel.PeriodInput;
import io.accrue.e2e.model.ReferenceModel.Segment;
import io.accrue.e2e.model.ReferenceModel.Usage;

/**
 * The reference model itself, on cases worked out by hand from docs/billing-rules.md (the numbers in each row's
 * comment), so that a wrong model cannot pass the check by agreeing with a wrong service. No suite needed.
 */
class ReferenceModelTest {

    private static final Instant APRIL = Instant.parse("2027-04-01T00:00:00Z");
    private static final Instant MAY = Instant.parse("2027-05-01T00:00:00Z");

    private static PlanSpec tiered(String base, long allowance, long size, Tier... tiers) {
        return new PlanSpec("tiered", new BigDecimal(base), allowance, size, List.of(tiers));
    }

    private static Event tokens(String model, long in, long cached, long out) {
        return new Event("e", model, in, cached, out);
    }

    /** Usage in the middle of April, inside the one segment these cases have. */
    private static List<Usage> midApril(Event... events) {
        return java.util.Arrays.stream(events).map(e -> new Usage(Instant.parse("2027-04-15T00:00:00Z"), e)).toList();
    }

    private static ReferenceModel.Invoice invoice(String currency, List<Segment> segments, List<Usage> usage,
            ContractSpec contract, BigDecimal creditsBefore, List<Late> late) {
        return ReferenceModel.invoice(new PeriodInput(currency, APRIL, MAY, segments, usage, late, contract,
                creditsBefore));
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', textBlock = """
            # case                                      | allowance | size | tier 1 upTo | tier 1 | tier 2 | tokens    | overage lines
            # 1,351,000 − 1,000,000 = 351 packages × 0.50
            allowance, one tier                         | 1000000   | 1000 |             | 0.50   |        | 1351000   | 175.50
            # 5,001 over: 6 packages; tier 1 holds ceil(2,500 / 1,000) = 3 packages × 1 = 3; 3 × 0.10
            graduated, upTo rounds up to a package      | 0         | 1000 | 2500        | 1      | 0.10   | 5001      | 0.30 3.00
            # under the allowance: no overage line
            within the allowance                        | 1000000   | 1    |             | 1      |        | 1000000   |
            # one token over with packages of a million: one whole package
            a package is never split                    | 0         | 1000000 |          | 2.5    |        | 1         | 2.50
            """)
    void overageFillsTiersInPackages(String name, long allowance, long size, Long upTo, String first, String second,
            long used, String lines) {
        PlanSpec plan = second == null
                ? tiered("0", allowance, size, new Tier(null, new BigDecimal(first)))
                : tiered("0", allowance, size, new Tier(upTo, new BigDecimal(first)),
                        new Tier(null, new BigDecimal(second)));
        var invoice = invoice("USD", List.of(new Segment(APRIL, MAY, plan)), midApril(tokens("gpt-4o", used, 0, 0)),
                null, BigDecimal.ZERO, List.of());
        assertEquals(lines == null ? "" : lines, String.join(" ",
                invoice.lines().stream().map(l -> l.amount().toPlainString()).toList()));
    }

    @ParameterizedTest(name = "{0} {1} of {2}")
    @CsvSource(delimiter = '|', textBlock = """
            # 30-day April; one line rounded once, half-up, to the currency's minor unit
            USD | 99.00  | 2027-04-01T00:00:00Z | 99.00
            # 1000 × 10 days / 30 days = 333.33… → 333 yen
            JPY | 1000   | 2027-04-21T00:00:00Z | 333
            # 10.000 × 1 day / 30 days = 0.3333… → 0.333 KWD
            KWD | 10.000 | 2027-04-30T00:00:00Z | 0.333
            # 0.05 × 15 days / 30 = 0.025 → 0.03 (half-up)
            EUR | 0.05   | 2027-04-16T00:00:00Z | 0.03
            """)
    void baseFeeIsProratedBySecondsAndRoundedOnce(String currency, String base, String from, String expected) {
        var invoice = invoice(currency, List.of(new Segment(Instant.parse(from), MAY, tiered(base, 0, 1))), List.of(),
                null, BigDecimal.ZERO, List.of());
        assertEquals(new BigDecimal(expected), invoice.total());
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', textBlock = """
            # gpt-4o: (1M × 2.50 + 0.2M × 10.00) / 1M = 4.50 cost × 1.20 = 5.40
            plain                 | 1000000 | 0      | 200000 | 5.40
            # 0.6M × 2.50 + 0.4M cached × 1.25 + 0.2M × 10 = 1.5 + 0.5 + 2.0 = 4.00 × 1.20 = 4.80
            cached part of input  | 1000000 | 400000 | 200000 | 4.80
            # 1,000 tokens: 0.0025 × 1.2 = 0.003 → 0.00, a line of zero cents is still a line (exact ≠ 0)
            below a cent          | 1000    | 0      | 0      | 0.00
            """)
    void payPerTokenIsCostPlusMarkup(String name, long in, long cached, long out, String expected) {
        PlanSpec plan = new PlanSpec("pay_per_token", BigDecimal.ZERO, 0, 1, List.of());
        var invoice = invoice("USD", List.of(new Segment(APRIL, MAY, plan)),
                midApril(tokens("gpt-4o", in, cached, out)),
                null, BigDecimal.ZERO, List.of());
        assertEquals(1, invoice.lines().size());
        assertEquals(new BigDecimal(expected), invoice.total());
    }

    /** Rating 10b: usage recorded unpriced is, once re-rated, priced at the price the operator added. */
    @Test
    void unpricedUsageCostsTheAddedPriceOnceReRated() {
        PlanSpec plan = new PlanSpec("pay_per_token", BigDecimal.ZERO, 0, 1, List.of());
        // (0.6M × 4.00 + 0.4M cached × 2.00 + 0.5M × 12.00) / 1M = 2.40 + 0.80 + 6.00 = 9.20 cost × 1.20 = 11.04
        var invoice = invoice("USD", List.of(new Segment(APRIL, MAY, plan)),
                midApril(tokens(ReferenceModel.UNPRICED, 1_000_000, 400_000, 500_000)), null, BigDecimal.ZERO,
                List.of());
        assertEquals(new BigDecimal("11.04"), invoice.total());
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', textBlock = """
            # 1M gpt-4o input: 2.50 × 1.20 = 3.00 USD × 151.37 = 454.11 → JPY 454 (0 places)
            JPY | 1000000 | 454
            # 3.00 × 0.3071 = 0.9213 KWD (3 places)
            KWD | 1000000 | 0.921
            # 1,000 tokens: 0.003 × 0.9234 = 0.0027702 → EUR 0.00
            EUR | 1000    | 0.00
            """)
    void costPlusConvertsThroughTheRecordedRate(String currency, long in, String expected) {
        PlanSpec plan = new PlanSpec("pay_per_token", BigDecimal.ZERO, 0, 1, List.of());
        var invoice = invoice(currency, List.of(new Segment(APRIL, MAY, plan)), midApril(tokens("gpt-4o", in, 0, 0)),
                null, BigDecimal.ZERO, List.of());
        assertEquals(new BigDecimal(expected), invoice.total());
    }

    @ParameterizedTest(name = "granted {0}, applied before {1}")
    @CsvSource(delimiter = '|', textBlock = """
            # charges 99.00 + commitment 300 − 0 drawn = true-up 300.00: total charges 399.00
            0        | 0      | 399.00
            # 100.0049 granted: usable 100.00 (rounded DOWN); 399.00 − 100.00
            100.0049 | 0      | 299.00
            # what is left (0.0049) rounds down to nothing: no credit line
            100.0049 | 100.00 | 399.00
            # more credit than charges: the total is 0, never negative
            1000     | 0      | 0.00
            """)
    void commitmentTrueUpThenCreditsLast(String granted, String before, String total) {
        var contract = new ContractSpec(null, null, null, null, new BigDecimal("300"), new BigDecimal(granted));
        var invoice = invoice("USD", List.of(new Segment(APRIL, MAY, tiered("99.00", 0, 1))), List.of(), contract,
                new BigDecimal(before), List.of());
        assertEquals(new BigDecimal(total), invoice.total());
    }

    // ---- I8a: contract minimum spend (a base fee of 99.00, no usage)

    private static final Instant JUNE = Instant.parse("2027-06-01T00:00:00Z");
    private static final Instant JULY = Instant.parse("2027-07-01T00:00:00Z");

    private static ContractSpec minimums(String commitment, String credits, History.Minimum... minimums) {
        return new ContractSpec(null, null, null, null, new BigDecimal(commitment), new BigDecimal(credits),
                List.of(minimums));
    }

    private static ReferenceModel.Invoice withMinimums(Instant start, Instant end, Instant termEnd,
            ContractSpec contract, List<ReferenceModel.Invoice> earlier) {
        return ReferenceModel.invoice(new PeriodInput("USD", start, end,
                List.of(new Segment(APRIL, Instant.MAX, tiered("99.00", 0, 1))), List.of(), List.of(), contract,
                BigDecimal.ZERO, APRIL, termEnd, earlier));
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', textBlock = """
            # 150 − 99.00 charged = 51.00
            monthly minimum tops up                 | 0   | 0   | 150 |     | base_fee@2027-04-01T00:00:00Z=99.00 minimum_top_up[monthly]@2027-04-01T00:00:00Z=51.00
            # the true-up (300) is a charge: 399.00 ≥ 150, nothing to top up
            a commitment true-up counts             | 300 | 0   | 150 |     | base_fee@2027-04-01T00:00:00Z=99.00 commitment_true_up@2027-04-01T00:00:00Z=300.00
            # credits come last and pay the top-up: 150.00 − 100.00
            prepaid credits pay the top-up          | 0   | 100 | 150 |     | base_fee@2027-04-01T00:00:00Z=99.00 minimum_top_up[monthly]@2027-04-01T00:00:00Z=51.00 prepaid_credit@2027-04-01T00:00:00Z=-100.00
            # a term of April only cuts the quarter (91 days) to a 30-day stub: 900 × 30 / 91 = 296.703296703297; − 99
            quarterly minimum of a stub is prorated |  0  | 0   |     | 900 | base_fee@2027-04-01T00:00:00Z=99.00 minimum_top_up[quarterly]@2027-04-01T00:00:00Z=197.70
            # the monthly top-up (51.00) counts toward the quarterly stub: 296.703… − 150.00 = 146.70
            shorter minimum first, it counts        |  0  | 0   | 150 | 900 | base_fee@2027-04-01T00:00:00Z=99.00 minimum_top_up[monthly]@2027-04-01T00:00:00Z=51.00 minimum_top_up[quarterly]@2027-04-01T00:00:00Z=146.70
            """)
    void minimumSpendOfOneMonth(String name, String commitment, String credits, String monthly, String quarterly,
            String expected) {
        List<History.Minimum> mins = new java.util.ArrayList<>();
        if (monthly != null) {
            mins.add(new History.Minimum("monthly", new BigDecimal(monthly)));
        }
        if (quarterly != null) {
            mins.add(new History.Minimum("quarterly", new BigDecimal(quarterly)));
        }
        var invoice = withMinimums(APRIL, MAY, MAY,
                minimums(commitment, credits, mins.toArray(History.Minimum[]::new)), List.of());
        assertEquals(expected, lines(invoice));
    }

    @ParameterizedTest(name = "credit {0} of total {1} and credits {2}")
    @CsvSource(delimiter = '|', textBlock = """
            # paid in money: all of it refunded
            40.00  | 100.00 | 0     | 40.00 | 0.00
            # an invoice paid with credits (total 0.00): nothing refunded, the credits go back
            15.00  | 0.00   | 15.00 | 0.00  | 15.00
            # partly: money first (what the total still holds), the rest back to the balance
            30.00  | 10.00  | 50.00 | 10.00 | 20.00
            # more than money and credits left: refused
            30.00  | 10.00  | 5.00  |       |
            """)
    void creditNoteNeverGivesBackMoreThanWasBilled(String credited, String moneyLeft, String creditsLeft,
            String money, String credits) {
        var note = ReferenceModel.creditNote(new BigDecimal(credited), new BigDecimal(moneyLeft),
                new BigDecimal(creditsLeft));
        if (money == null) {
            assertEquals(null, note);
        } else {
            assertEquals(new BigDecimal(money), note.money());
            assertEquals(new BigDecimal(credits), note.credits());
        }
    }

    @Test
    void agentSessionsCountOncePerSessionAndToolCallsByPackage() {
        PlanSpec plan = new PlanSpec("tiered", BigDecimal.ZERO, 1_000_000, 1, List.of(new Tier(null, BigDecimal.ONE)),
                List.of(new History.MeterSpec("agent_sessions", 1, 1, new BigDecimal("5.00")),
                        new History.MeterSpec("tool_calls", 10, 10, new BigDecimal("0.50"))));
        // s0 twice, s1 once, s2 once: 3 sessions − 1 included = 2 × 5.00; 7 + 8 + 9 + 0 = 24 tool calls − 10 = 14:
        // 2 packages × 0.50
        List<Usage> usage = List.of(
                new Usage(Instant.parse("2027-04-10T00:00:00Z"), new Event("a", "gpt-4o", 10, 0, 1, "s0", 7)),
                new Usage(Instant.parse("2027-04-12T00:00:00Z"), new Event("b", "gpt-4o", 10, 0, 1, "s0", 8)),
                new Usage(Instant.parse("2027-04-15T00:00:00Z"), new Event("c", "gpt-4o", 10, 0, 1, "s1", 9)),
                new Usage(Instant.parse("2027-04-20T00:00:00Z"), new Event("d", "gpt-4o", 10, 0, 1, "s2", 0)));
        var invoice = invoice("USD", List.of(new Segment(APRIL, MAY, plan)), usage, null, BigDecimal.ZERO,
                List.of());
        assertEquals("overage[agent_sessions]@2027-04-01T00:00:00Z=10.00 overage[tool_calls]@2027-04-01T00:00:00Z=1.00",
                lines(invoice));
    }

    @Test
    void quarterlyMinimumSettledByTheInvoiceThatEndsTheQuarter() {
        var contract = minimums("0", "0", new History.Minimum("monthly", new BigDecimal("150")),
                new History.Minimum("quarterly", new BigDecimal("1000")));
        var april = withMinimums(APRIL, MAY, JULY, contract, List.of());
        // April and May: 99.00 + a monthly top-up of 51.00 each; the quarter is not over
        assertEquals(new BigDecimal("150.00"), april.total());
        var may = withMinimums(MAY, JUNE, JULY, contract, List.of(april));
        assertEquals(new BigDecimal("150.00"), may.total());
        // June ends the quarter: 1000 − 300.00 (April, May) − 150.00 (June, its monthly top-up included) = 550.00
        var june = withMinimums(JUNE, JULY, JULY, contract, List.of(april, may));
        assertEquals("base_fee@2027-06-01T00:00:00Z=99.00 minimum_top_up[monthly]@2027-06-01T00:00:00Z=51.00"
                + " minimum_top_up[quarterly]@2027-04-01T00:00:00Z=550.00", lines(june));
        assertEquals(new BigDecimal("700.00"), june.total());
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', textBlock = """
            # tier 0.50 per 1,000 above 1M: 200 × 0.50 = 100 billed, 1.3M now: 300 × 0.50 = 150: the late line is 50
            late usage is the marginal charge  | 1200000 | 100000 | 50.00
            # still within the allowance: nothing to add
            late usage within the allowance    | 500000  | 100000 |
            """)
    void lateUsageIsTheMarginalChargeAtTheOldPlan(String name, long billed, long late, String expected) {
        PlanSpec plan = tiered("0", 1_000_000, 1000, new Tier(null, new BigDecimal("0.50")));
        Instant march = Instant.parse("2027-03-01T00:00:00Z");
        Usage first = new Usage(Instant.parse("2027-03-10T00:00:00Z"), tokens("gpt-4o", billed, 0, 0));
        Usage recordedLate = new Usage(Instant.parse("2027-03-31T22:00:00Z"), tokens("gpt-4o", late, 0, 0));
        List<Segment> marchSegments = List.of(new Segment(march, MAY, plan));
        var invoice = invoice("USD", List.of(new Segment(march, MAY, plan)), List.of(), null, BigDecimal.ZERO,
                List.of(new Late(march, APRIL, marchSegments, List.of(first), List.of(first, recordedLate))));
        assertEquals(expected == null ? "" : expected, String.join(" ",
                invoice.lines().stream().map(l -> l.amount().toPlainString()).toList()));
    }

    // ---- I3: usage priced by the plan in effect when it occurred (a change on 30 April, the last day)

    private static final Instant LAST_DAY = Instant.parse("2027-04-30T00:00:00Z");

    private static String lines(ReferenceModel.Invoice invoice) {
        return String.join(" ", invoice.lines().stream().map(Line::toString).toList());
    }

    private static ReferenceModel.Invoice changedOnTheLastDay(PlanSpec before, PlanSpec after, long tokensBefore,
            long tokensAfter) {
        return invoice("USD", List.of(new Segment(APRIL, LAST_DAY, before), new Segment(LAST_DAY, MAY, after)),
                List.of(new Usage(Instant.parse("2027-04-15T00:00:00Z"), tokens("gpt-4o", tokensBefore, 0, 0)),
                        new Usage(Instant.parse("2027-04-30T12:00:00Z"), tokens("gpt-4o", tokensAfter, 0, 0))),
                null, BigDecimal.ZERO, List.of());
    }

    @Test
    void anUpgradeNeverErasesOverageAlreadyIncurred() {
        // the doc's example: 50 M on a plan with 1 M included (2.00 per million above), then an upgrade to 100 M
        // included: 49 packages × 2.00 = 98.00 at the first plan; the new plan includes the 50 M left, 30 M ≤ 50 M
        PlanSpec small = tiered("0", 1_000_000, 1_000_000, new Tier(null, new BigDecimal("2.00")));
        PlanSpec large = tiered("0", 100_000_000, 1_000_000, new Tier(null, new BigDecimal("1.00")));
        var invoice = changedOnTheLastDay(small, large, 50_000_000, 30_000_000);
        assertEquals("overage[llm_tokens]@2027-04-01T00:00:00Z=98.00", lines(invoice));
    }

    @Test
    void noSequenceOfChangesGivesTwoAllowances() {
        // 10 M included in each plan: 8 M in the first, then 8 M in the second, which has only 2 M left to include:
        // 6 packages of 1 M × 1.00, dated at the change
        PlanSpec a = tiered("0", 10_000_000, 1_000_000, new Tier(null, new BigDecimal("1.00")));
        PlanSpec b = tiered("0", 10_000_000, 1_000_000, new Tier(null, new BigDecimal("1.00")));
        var invoice = changedOnTheLastDay(a, b, 8_000_000, 8_000_000);
        assertEquals("overage[llm_tokens]@2027-04-30T00:00:00Z=6.00", lines(invoice));
    }

    @Test
    void tiersContinueAcrossSegments() {
        // packages of 1,000, 1.00 up to 5,000 units then 0.10: 3,000 in the first segment = 3 packages of tier 1;
        // 4,000 more: charge(7,000) − charge(3,000) = tier 1 5 − 3 = 2 packages (2.00), tier 2 2 packages (0.20)
        PlanSpec a = tiered("0", 0, 1000, new Tier(5000L, new BigDecimal("1.00")),
                new Tier(null, new BigDecimal("0.10")));
        PlanSpec b = tiered("0", 0, 1000, new Tier(5000L, new BigDecimal("1.00")),
                new Tier(null, new BigDecimal("0.10")));
        var invoice = changedOnTheLastDay(a, b, 3000, 4000);
        assertEquals("overage[llm_tokens]@2027-04-01T00:00:00Z=3.00 overage[llm_tokens]@2027-04-30T00:00:00Z=0.20"
                + " overage[llm_tokens]@2027-04-30T00:00:00Z=2.00", lines(invoice));
    }

    @Test
    void aStartedPackageIsNotChargedTwice() {
        // packages of 1 M: 500,000 in the first segment starts one package (1.00); 400,000 more stay inside it
        PlanSpec a = tiered("0", 0, 1_000_000, new Tier(null, new BigDecimal("1.00")));
        PlanSpec b = tiered("0", 0, 1_000_000, new Tier(null, new BigDecimal("1.00")));
        var invoice = changedOnTheLastDay(a, b, 500_000, 400_000);
        assertEquals("overage[llm_tokens]@2027-04-01T00:00:00Z=1.00", lines(invoice));
    }

    @Test
    void costPlusThenTieredConsumesTheAllowanceInOrder() {
        // 1 M gpt-4o input on pay-per-token: 2.50 × 1.20 = 3.00; then a tiered plan with 1.5 M included has 0.5 M
        // left: 1 M more is 0.5 M over = 5 packages of 100,000 × 0.50 = 2.50
        PlanSpec ppt = new PlanSpec("pay_per_token", BigDecimal.ZERO, 0, 1, List.of());
        PlanSpec tiered = tiered("0", 1_500_000, 100_000, new Tier(null, new BigDecimal("0.50")));
        var invoice = changedOnTheLastDay(ppt, tiered, 1_000_000, 1_000_000);
        assertEquals("llm_usage[gpt-4o]@2027-04-01T00:00:00Z=3.00 overage[llm_tokens]@2027-04-30T00:00:00Z=2.50",
                lines(invoice));
        assertEquals(new BigDecimal("5.50"), invoice.total());
    }

    @Test
    void usageAfterACancellationBelongsToThePlanBeforeIt() {
        // canceled on 16 April: 30.00 × 15 / 30 days = 15.00 base fee; usage on the 20th is still the plan's:
        // 2,000 tokens over a 0 allowance in packages of 1,000 × 1.00 = 2.00
        Instant canceled = Instant.parse("2027-04-16T00:00:00Z");
        PlanSpec plan = tiered("30.00", 0, 1000, new Tier(null, new BigDecimal("1.00")));
        var invoice = invoice("USD", List.of(new Segment(APRIL, canceled, plan)),
                List.of(new Usage(Instant.parse("2027-04-20T00:00:00Z"), tokens("gpt-4o", 2000, 0, 0))), null,
                BigDecimal.ZERO, List.of());
        assertEquals("base_fee@2027-04-01T00:00:00Z=15.00 overage[llm_tokens]@2027-04-01T00:00:00Z=2.00",
                lines(invoice));
    }

    // ---- Currencies rule 5: which closes need a rate (a missing one fails them: exchange_rate_missing)

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', textBlock = """
            # 1M gpt-4o input: 2.50 × 1.20 = 3.00 USD × 0.8817 = 2.6451 → CHF 2.65, converted: needs the rate
            cost-plus converts                      | pay_per_token |                  | 2.65 | true
            # 1M tokens within a 2M allowance: count-based, nothing converts
            a tiered plan never converts            | tiered        |                  | 0.00 | false
            # a contract price per token is in the account's currency: 0.000002 × 1M = 2.00, nothing converts
            a contract price per token is CHF      | pay_per_token | fixed_unit_price | 2.00 | false
            """)
    void aCloseNeedsARateOnlyWhenItConvertsProviderCost(String name, String kind, String rateKind, String total,
            boolean converts) {
        PlanSpec plan = kind.equals("tiered")
                ? tiered("0", 2_000_000, 1, new Tier(null, BigDecimal.ONE))
                : new PlanSpec(kind, BigDecimal.ZERO, 0, 1, List.of());
        ContractSpec contract = rateKind == null
                ? null
                : new ContractSpec(null, "gpt-4o", rateKind, new BigDecimal("0.000002"), BigDecimal.ZERO,
                        BigDecimal.ZERO);
        var invoice = invoice("CHF", List.of(new Segment(APRIL, MAY, plan)),
                midApril(tokens("gpt-4o", 1_000_000, 0, 0)),
                contract, BigDecimal.ZERO, List.of());
        assertEquals(0, new BigDecimal(total).compareTo(invoice.total()), () -> "total " + invoice.total());
        assertEquals(converts, invoice.convertsCost());
    }

    // ---- S7 / I7: late usage of a period billed before a currency switch

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', textBlock = """
            # case                                   | old | new | plan          | billed  | late    | late line
            # tiered 0.50 per 1,000 above 1M: 1.2M billed, 1.3M now: USD 50.00 marginal × 0.9234 = EUR 46.17
            tiered late usage converts USD → EUR     | USD | EUR | tiered        | 1200000 | 100000  | 46.17
            # gpt-4o 1M input tokens: USD 2.50 × 1.2 = 3.00, × 0.9234 = EUR 2.7702 (not rounded), × 163.926792
            # (the recorded EUR → JPY rate) = 454.1099991984, rounded once: ¥454
            cost-plus late usage converts EUR → JPY  | EUR | JPY | pay_per_token | 0       | 1000000 | 454
            # the same in KWD → USD: 3.00 × 0.3071 = 0.9213 KWD, × 3.256268 (1 / 0.3071 to 6 places) = 2.9999997084
            cost-plus late usage converts KWD → USD  | KWD | USD | pay_per_token | 0       | 1000000 | 3.00
            # within the allowance: nothing to add, in any currency
            late usage within the allowance          | USD | JPY | tiered        | 500000  | 100000  |
            """)
    void lateUsageAcrossASwitchIsPricedInItsOwnCurrencyAndConvertedAtTheRecordedRate(String name, String old,
            String now, String kind, long billed, long late, String expected) {
        PlanSpec plan = kind.equals("tiered")
                ? tiered("0", 1_000_000, 1000, new Tier(null, new BigDecimal("0.50")))
                : new PlanSpec("pay_per_token", BigDecimal.ZERO, 0, 1, List.of());
        Instant march = Instant.parse("2027-03-01T00:00:00Z");
        Usage first = new Usage(Instant.parse("2027-03-10T00:00:00Z"), tokens("gpt-4o", billed, 0, 0));
        Usage recordedLate = new Usage(Instant.parse("2027-03-31T22:00:00Z"), tokens("gpt-4o", late, 0, 0));
        var invoice = invoice(now, List.of(new Segment(march, MAY, plan)), List.of(), null, BigDecimal.ZERO,
                List.of(new Late(march, APRIL, List.of(new Segment(march, APRIL, plan)), List.of(first),
                        List.of(first, recordedLate), old)));
        assertEquals(expected == null ? "" : expected, String.join(" ",
                invoice.lines().stream().map(l -> l.amount().toPlainString()).toList()));
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', textBlock = """
            # the runner's rates vary by day: USD_RATES on a month's last day, × (1 + day / 100) on the others
            a month's last day is the base rate     | EUR | 2027-04-30 | 0.9234
            February's last day in a common year     | JPY | 2027-02-28 | 151.37
            the 1st: 0.9234 × 1.01                   | EUR | 2027-05-01 | 0.932634
            the 15th: 151.37 × 1.15                  | JPY | 2027-04-15 | 174.0755
            29 February of a leap year is its last   | KWD | 2028-02-29 | 0.3071
            USD is 1 every day                       | USD | 2027-04-15 | 1
            """)
    void theRecordedRateVariesByDay(String name, String currency, String day, String rate) {
        assertEquals(new BigDecimal(rate), ReferenceModel.usdRate(currency, java.time.LocalDate.parse(day)));
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', textBlock = """
            # Currencies 3: the rate day is the UTC date of the period's last instant
            a month                  | 2027-05-01T00:00:00Z | 2027-04-30
            February                 | 2027-03-01T00:00:00Z | 2027-02-28
            a period ending mid-day  | 2027-04-15T12:00:00Z | 2027-04-15
            """)
    void theRateDayIsThePeriodsLastInstant(String name, String periodEnd, String day) {
        assertEquals(java.time.LocalDate.parse(day), ReferenceModel.rateDay(Instant.parse(periodEnd)));
    }

    @Test
    void aPeriodEndingMidMonthConvertsAtItsRateDaysRateNotTheBaseRate() {
        // 1M gpt-4o input: 2.50 × 1.20 = 3.00 USD; the period [04-01, 04-15T12:00) has rate day 04-15:
        // 0.9234 × 1.15 = 1.06191, × 3.00 = 3.18573 → EUR 3.19 (at the month-end rate it would be 2.77)
        PlanSpec plan = new PlanSpec("pay_per_token", BigDecimal.ZERO, 0, 1, List.of());
        Instant end = Instant.parse("2027-04-15T12:00:00Z");
        var invoice = ReferenceModel.invoice(new PeriodInput("EUR", APRIL, end, List.of(new Segment(APRIL, end, plan)),
                List.of(new Usage(Instant.parse("2027-04-10T00:00:00Z"), tokens("gpt-4o", 1_000_000, 0, 0))), List.of(),
                null, BigDecimal.ZERO));
        assertEquals("3.19", String.join(" ", invoice.lines().stream().map(l -> l.amount().toPlainString()).toList()));
    }

    @Test
    void theSwitchRateIsTheRecordedPairNotADerivedOne() {
        assertEquals(new BigDecimal("0.9234"), ReferenceModel.switchRate("USD", "EUR"));
        assertEquals(new BigDecimal("163.926792"), ReferenceModel.switchRate("EUR", "JPY"));
        assertEquals(new BigDecimal("3.256268"), ReferenceModel.switchRate("KWD", "USD"));
    }
}
