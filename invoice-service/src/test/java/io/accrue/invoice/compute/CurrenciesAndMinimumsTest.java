package io.accrue.invoice.compute;

import static io.accrue.invoice.compute.InvoiceCalculatorTest.DEC;
import static io.accrue.invoice.compute.InvoiceCalculatorTest.FEB;
import static io.accrue.invoice.compute.InvoiceCalculatorTest.JAN;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.time.Instant;
import java.time.LocalDate;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import io.accrue.invoice.compute.ComputedLine.LineType;
import io.accrue.invoice.compute.ContractTerms.MinimumSpend;
import io.accrue.invoice.compute.ContractTerms.NegotiatedRate;
import io.accrue.invoice.compute.InvoiceInput.PlanSegment;
import io.accrue.invoice.compute.PlanTerms.OverageRule;
import io.accrue.invoice.compute.PlanTerms.Tier;
import io.accrue.invoice.compute.UsageTotals.ModelUsage;
import io.accrue.invoice.fx.CostConversion;
import io.accrue.invoice.fx.FxRate;
import io.accrue.invoice.fx.MissingExchangeRate;

/**
 * Accounts billing in EUR and JPY while the catalog records provider cost in USD (billing-rules "Currencies"),
 * and contract minimum spend (Invoices, rule 8a). Expected amounts are computed here from the written rules.
 */
class CurrenciesAndMinimumsTest {

    static final BigDecimal MARKUP = new BigDecimal("0.20");
    static final LocalDate RATE_DAY = LocalDate.parse("2026-01-31");
    /** 1 / 1.0823: the inverse of an ECB EUR→USD rate, rounded to 12 places. */
    static final FxRate USD_EUR = new FxRate("USD", "EUR", new BigDecimal("0.923958237088"), RATE_DAY,
            "ECB (inverse)");
    /** 161.20 / 1.0823: a cross rate through EUR. */
    static final FxRate USD_JPY = new FxRate("USD", "JPY", new BigDecimal("148.942067818535"), RATE_DAY,
            "ECB (cross via EUR)");
    static final String COST = "7.123456789012"; // USD, 12 places as usage-service sends it

    static OverageRule tokens(String perPackage) {
        return new OverageRule("llm_tokens", 1000, List.of(new Tier(null, new BigDecimal(perPackage))));
    }

    static PlanTerms plan(String model, String currency, String base, String perPackage) {
        return new PlanTerms("p", 1, model, currency, new BigDecimal(base), Map.of("llm_tokens", 1_000_000L),
                List.of(tokens(perPackage)));
    }

    static UsageTotals usdUsage(long tokens, FxRate rate, String currency) {
        return new UsageTotals(tokens, 10, 0, 0, new BigDecimal(COST),
                List.of(new ModelUsage("gpt-4o", "openai", tokens, new BigDecimal(COST))),
                new CostConversion("USD", currency, RATE_DAY, 7, rate));
    }

    static ComputedInvoice compute(String currency, PlanTerms plan, UsageTotals usage, ContractTerms contract) {
        return new InvoiceCalculator().compute(new InvoiceInput(currency, JAN, FEB,
                List.of(new PlanSegment(DEC, Instant.parse("2026-06-01T00:00:00Z"), plan)), usage, MARKUP, contract,
                BigDecimal.ZERO, List.of()));
    }

    static BigDecimal costPlus(FxRate rate, String currency) {
        int places = "JPY".equals(currency) ? 0 : 2;
        return new BigDecimal(COST).multiply(BigDecimal.ONE.add(MARKUP)).multiply(rate.rate()).setScale(places,
                RoundingMode.HALF_UP);
    }

    @ParameterizedTest(name = "{0} tiered: base {1} + 2,500 packages × {2} = {3}, no rate needed")
    @CsvSource({"EUR, 89.00, 0.003, 96.50", "JPY, 15000, 1, 17500"})
    void tieredPlansBillCountsWhateverCurrencyTheCostWasRecordedIn(String currency, String base, String perPackage,
            String total) {
        // no rate recorded at all: a tiered plan never converts, so it must not need one
        ComputedInvoice inv = compute(currency, plan("tiered", currency, base, perPackage),
                usdUsage(3_500_000, null, currency), null);
        assertEquals(new BigDecimal(total), inv.total());
        assertTrue(inv.lines().stream().allMatch(l -> l.fx() == null));
        assertEquals(List.of(LineType.BASE_FEE, LineType.OVERAGE), inv.lines().stream().map(ComputedLine::type)
                .toList());
    }

    @Test
    void eurCostPlusConvertsAtTheRecordedRateRoundedOnce() {
        ComputedInvoice inv = compute("EUR", plan("pay_per_token", "EUR", "0", "0.003"),
                usdUsage(1_000_000, USD_EUR, "EUR"), null);
        ComputedLine line = inv.lines().get(0);
        assertEquals(LineType.LLM_USAGE, line.type());
        // 7.123456789012 × 1.20 × 0.923958237088 = 7.898… → 7.90
        assertEquals(costPlus(USD_EUR, "EUR"), line.amount());
        assertEquals(new BigDecimal("7.90"), line.amount());
        assertEquals(USD_EUR, line.fx().rate());
        assertEquals(0, new BigDecimal(COST).multiply(new BigDecimal("1.20")).compareTo(line.fx().original()));
        assertEquals(line.amount(), inv.total());
    }

    @Test
    void jpyCostPlusAndTieredTogetherOnOneInvoice() {
        // an enterprise-style plan: base fee and tokens at cost plus (no token overage, never twice)
        ComputedInvoice inv = compute("JPY", plan("enterprise", "JPY", "30000", "1"),
                usdUsage(3_500_000, USD_JPY, "JPY"), null);
        // 7.123456789012 × 1.20 × 148.942067818535 = 1273.17… → ¥1273
        assertEquals(new BigDecimal("1273"), costPlus(USD_JPY, "JPY"));
        assertEquals(List.of("base_fee 30000", "llm_usage 1273"),
                inv.lines().stream().map(l -> l.type().wire() + " " + l.amount().toPlainString()).toList());
        assertEquals(new BigDecimal("31273"), inv.total());
    }

    @Test
    void aMissingRateFailsTheCloseWithAStableCodeInsteadOfBillingUnconverted() {
        MissingExchangeRate e = assertThrows(MissingExchangeRate.class,
                () -> compute("EUR", plan("pay_per_token", "EUR", "0", "0.003"), usdUsage(1_000_000, null, "EUR"),
                        null));
        assertEquals("exchange_rate_missing", e.code());
        assertTrue(e.getMessage().startsWith("exchange_rate_missing: no USD to EUR exchange rate"), e.getMessage());
    }

    @Test
    void aContractPricePerTokenIsInTheAccountCurrencyAndNeverConverted() {
        ContractTerms contract = new ContractTerms("c", 1, "EUR", null,
                List.of(new NegotiatedRate(null, "gpt-4o", "fixed_unit_price", new BigDecimal("0.000002"))), null);
        ComputedInvoice inv = compute("EUR", plan("pay_per_token", "EUR", "0", "0.003"),
                usdUsage(1_000_000, null, "EUR"), contract);
        assertEquals(new BigDecimal("2.00"), inv.lines().get(0).amount());
        assertNull(inv.lines().get(0).fx());
    }

    // --- minimums ---------------------------------------------------------------------------------------------

    static ContractTerms minimums(String credits, MinimumSpend... m) {
        return new ContractTerms("c", 1, "USD", null, List.of(), new BigDecimal(credits), List.of(m));
    }

    static MinimumSpend monthly(String amount) {
        return new MinimumSpend("monthly", new BigDecimal(amount), JAN, FEB, BigDecimal.ZERO);
    }

    static String lines(ComputedInvoice inv) {
        return String.join(", ", inv.lines().stream().map(l -> l.type().wire() + " " + l.amount().toPlainString())
                .toList());
    }

    static final PlanTerms PRO = plan("tiered", "USD", "99.00", "0.003");

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
            // charges 99.00 + 7.50 overage = 106.50 < 500: topped up by 393.50
            "monthly 500 | 500 | 0 | base_fee 99.00, overage 7.50, minimum_top_up 393.50 | 500.00",
            // charges above the minimum: nothing
            "monthly 100 | 100 | 0 | base_fee 99.00, overage 7.50 | 106.50",
            // credits pay the topped-up total (they come after the minimum)
            "monthly 500 with 450 credits | 500 | 450 | base_fee 99.00, overage 7.50, minimum_top_up 393.50, prepaid_credit -450.00 | 50.00"})
    void monthlyMinimum(String name, String minimum, String credits, String expectedLines, String total) {
        ComputedInvoice inv = compute("USD", PRO, usdUsage(3_500_000, null, "USD"), minimums(credits,
                monthly(minimum)));
        assertEquals(expectedLines, lines(inv));
        assertEquals(new BigDecimal(total), inv.total());
        assertEquals(0, inv.commitmentDrawdown().signum()); // a top-up is not consumption: nothing is drawn down
    }

    @Test
    void aWindowThatIsNotOverWithThisInvoiceWaitsForItsLastInvoice() {
        MinimumSpend quarter = new MinimumSpend("quarterly", new BigDecimal("3000"), JAN,
                Instant.parse("2026-04-01T00:00:00Z"), BigDecimal.ZERO);
        assertEquals("base_fee 99.00, overage 7.50", lines(compute("USD", PRO, usdUsage(3_500_000, null, "USD"),
                minimums("0", quarter))));
    }

    @Test
    void theLastInvoiceOfAQuarterTopsUpWhatTheQuarterChargedAndMonthlyTopUpsCountTowardIt() {
        // a quarter ending with this (January) invoice; earlier invoices of the quarter charged 2,000.00
        MinimumSpend quarter = new MinimumSpend("quarterly", new BigDecimal("3000"),
                Instant.parse("2025-11-01T00:00:00Z"), FEB, new BigDecimal("2000.00"));
        ComputedInvoice inv = compute("USD", PRO, usdUsage(3_500_000, null, "USD"),
                minimums("0", quarter, monthly("500")));
        // monthly first: 500 − 106.50 = 393.50; then the quarter: 3000 − 2000 − 500 = 500.00
        assertEquals("base_fee 99.00, overage 7.50, minimum_top_up 393.50, minimum_top_up 500.00", lines(inv));
        assertEquals(List.of("monthly", "quarterly"), inv.lines().stream()
                .filter(l -> l.type() == LineType.MINIMUM_TOP_UP).map(ComputedLine::meter).toList());
        assertEquals(new BigDecimal("1000.00"), inv.total());
    }

    @Test
    void aStubMinimumIsTheProratedAmountContractServiceSends() {
        // contract-service prorates a stub window (e.g. 1000 over 15.5 of 31 days = 500); the top-up uses it as is
        MinimumSpend stub = new MinimumSpend("monthly", new BigDecimal("500.000000000000"), JAN,
                Instant.parse("2026-01-16T12:00:00Z"), BigDecimal.ZERO);
        assertEquals("base_fee 99.00, overage 7.50, minimum_top_up 393.50",
                lines(compute("USD", PRO, usdUsage(3_500_000, null, "USD"), minimums("0", stub))));
    }

    /**
     * Late usage across a currency switch (Invoices rule 7): January billed in USD, the account bills in EUR from
     * February. January's late tokens are priced at January's USD plan (2,000 packages × 0.003 = USD 6.00 beyond what
     * January's invoice charged) and converted through January's recorded USD→EUR rate: never at the EUR plan.
     */
    @Test
    void lateUsageOfAPeriodInAnotherCurrencyIsPricedThereAndConvertedAtItsRecordedRate() {
        PlanTerms usdPlan = plan("tiered", "USD", "99.00", "0.003");
        PlanTerms eurPlan = plan("tiered", "EUR", "89.00", "0.005");
        Instant dec = DEC;
        InvoiceInput.LateUsage late = new InvoiceInput.LateUsage(dec, JAN,
                List.of(new PlanSegment(dec, JAN, usdPlan, usdUsage(1_000_000, null, "USD"))),
                List.of(new PlanSegment(dec, JAN, usdPlan, usdUsage(3_000_000, null, "USD"))),
                new CostConversion("USD", "EUR", LocalDate.parse("2025-12-31"), 7, USD_EUR));
        ComputedInvoice invoice = new InvoiceCalculator().compute(new InvoiceInput("EUR", JAN, FEB,
                List.of(new PlanSegment(JAN, FEB, eurPlan)), UsageTotals.NONE, MARKUP, null, BigDecimal.ZERO,
                List.of(late)));
        ComputedLine line = invoice.lines().stream().filter(l -> l.type() == LineType.LATE_USAGE).findFirst()
                .orElseThrow();
        // USD 6.00 × 0.923958237088 = EUR 5.543749… → 5.54 (at the EUR plan's 0.005 it would have been 10.00)
        assertEquals(new BigDecimal("5.54"), line.amount());
        assertEquals(0, new BigDecimal("6.000").compareTo(line.fx().original()));
        assertEquals(USD_EUR, line.fx().rate());
        assertTrue(line.description().contains("priced in USD"), line.description());

        // no rate recorded for December: the close fails visibly, never bills at the EUR plan or unconverted
        InvoiceInput.LateUsage noRate = new InvoiceInput.LateUsage(dec, JAN, late.billed(), late.now(),
                new CostConversion("USD", "EUR", LocalDate.parse("2025-12-31"), 7, null));
        assertThrows(MissingExchangeRate.class, () -> new InvoiceCalculator().compute(new InvoiceInput("EUR", JAN,
                FEB, List.of(new PlanSegment(JAN, FEB, eurPlan)), UsageTotals.NONE, MARKUP, null, BigDecimal.ZERO,
                List.of(noRate))));
    }
}
