package io.accrue.invoice.compute;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.math.BigDecimal;
import java.time.Instant;
import java.time.LocalDate;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import io.accrue.invoice.compute.ComputedLine.LineDimension;
import io.accrue.invoice.compute.ContractTerms.NegotiatedRate;
import io.accrue.invoice.compute.InvoiceInput.PlanSegment;
import io.accrue.invoice.compute.UsageTotals.DimensionUsage;
import io.accrue.invoice.compute.UsageTotals.ModelUsage;
import io.accrue.invoice.document.DimensionLabels;
import io.accrue.invoice.fx.CostConversion;
import io.accrue.invoice.fx.FxRate;

/**
 * A cost-plus line's dimensions (billing-rules "Invoices" rule 5b): each dimension's amount is its cost × the
 * line's own factor (markup, contract discount, exchange rate), so they add up exactly to the line's exact amount,
 * which is rounded once; at a contract price per token, tokens are charged at it and units and request fees not.
 */
class CostPlusDimensionsTest {

    static final Instant FEB = Instant.parse("2026-02-01T00:00:00Z");
    static final Instant MAR = Instant.parse("2026-03-01T00:00:00Z");

    /** 40 cached Anthropic calls (file prices) plus one web search unit and a request fee. */
    static final List<DimensionUsage> DIMS = List.of(new DimensionUsage("input", "tokens", 400_000, dec("1.2")),
            new DimensionUsage("cache_read", "tokens", 2_000_000, dec("0.6")),
            new DimensionUsage("cache_write", "tokens", 120_000, dec("0.45")),
            new DimensionUsage("cache_write_1h", "tokens", 80_000, dec("0.48")),
            new DimensionUsage("output", "tokens", 32_000, dec("0.48")),
            new DimensionUsage("unit.web_search_medium", "units", 3, dec("0.030000000001")),
            new DimensionUsage("request", "requests", 40, dec("0.000000000007")));
    static final BigDecimal COST = DIMS.stream().map(DimensionUsage::cost).reduce(BigDecimal.ZERO, BigDecimal::add);

    @ParameterizedTest(name = "{0}")
    @CsvSource({
            // case,            account, contract,                  rate,         line amount
            "markup only,       USD,     ,                          ,             3.89",
            "discount 12.5 %,   USD,     discount_percent:12.5,     ,             3.40",
            "converted to JPY,  JPY,     ,                          148.942067818535, 579",
            "fixed per token,   USD,     fixed_unit_price:0.000001, ,             2.63",
    })
    void dimensionsAddUpToTheLineRoundedOnce(String name, String currency, String contract, String rate,
            String amount) {
        ContractTerms terms = null;
        if (contract != null) {
            String[] kv = contract.split(":");
            terms = new ContractTerms("c", 1, currency, null,
                    List.of(new NegotiatedRate(null, "claude", kv[0], dec(kv[1]))), BigDecimal.ZERO);
        }
        CostConversion fx = rate == null
                ? null
                : new CostConversion("USD", currency, LocalDate.parse("2026-02-28"), 4,
                        new FxRate("USD", currency, dec(rate), LocalDate.parse("2026-02-27"), "ECB"));
        UsageTotals usage = new UsageTotals(2_632_000, 40, 0, 0, COST,
                List.of(new ModelUsage("claude", "anthropic", 2_632_000, COST, DIMS)), fx);
        PlanTerms plan = new PlanTerms("payg", 1, "pay_per_token", currency, BigDecimal.ZERO, Map.of(), List.of());
        ComputedInvoice invoice = new InvoiceCalculator().compute(new InvoiceInput(currency, FEB, MAR,
                List.of(new PlanSegment(FEB, MAR, plan)), usage, new BigDecimal("0.20"), terms, null, List.of()));
        ComputedLine line = invoice.lines().getFirst();
        assertEquals(amount, line.amount().toPlainString(), name);
        assertEquals(DIMS.size(), line.dimensions().size());
        BigDecimal exact = line.dimensions().stream().map(LineDimension::amount).reduce(BigDecimal.ZERO,
                BigDecimal::add);
        assertEquals(line.amount(), Rounding.toMinorUnit(exact, currency), name + ": the dimensions are the line");
        for (int i = 0; i < DIMS.size(); i++) {
            assertEquals(DIMS.get(i).cost(), line.dimensions().get(i).cost());
            assertEquals(DIMS.get(i).quantity(), line.dimensions().get(i).quantity());
        }
        if ("fixed per token".equals(name)) {
            assertEquals(0, line.dimensions().get(5).amount().signum(), "units are not tokens");
            assertEquals(0, dec("0.08").compareTo(line.dimensions().get(3).amount())); // 80,000 × 0.000001
        } else {
            // cache_write_1h: 0.48 × 1.20 (× 0.875) (× rate)
            BigDecimal factor = new BigDecimal("1.20").multiply("discount 12.5 %".equals(name)
                    ? dec("0.875")
                    : BigDecimal.ONE).multiply(rate == null ? BigDecimal.ONE : dec(rate));
            assertEquals(0, dec("0.48").multiply(factor).compareTo(line.dimensions().get(3).amount()));
        }
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
            "input | Input tokens",
            "cache_write_1h | Cache writes (1 h)",
            "input>200000 | Input tokens, prompts above 200000 tokens",
            "batch:output | Output tokens, batch",
            "priority:cache_read>272000 | Cache reads, priority, prompts above 272000 tokens",
            "unit.web_search_medium | web search medium (units)",
            "request | Request fees",
            "tokens | Tokens (recorded before the split)",
            "something_new | something_new",
    })
    void dimensionsReadAsWords(String dimension, String label) {
        assertEquals(label, DimensionLabels.label(dimension));
    }

    @ParameterizedTest
    @CsvSource({"0.576, 0.576", "1.44, 1.44", "31.44, 31.44", "2, 2.00", "0.000000000007, 0.00",
            "0.0300000000012, 0.03", "0.0000005, 0.000001"})
    void aDimensionAmountShowsToSixPlaces(String exact, String shown) {
        assertEquals(shown, DimensionLabels.amount(dec(exact)));
    }

    private static BigDecimal dec(String s) {
        return new BigDecimal(s);
    }
}
