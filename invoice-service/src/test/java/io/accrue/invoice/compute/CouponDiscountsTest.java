package io.accrue.invoice.compute;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.math.BigDecimal;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import io.accrue.common.state.WireValue;
import io.accrue.invoice.compute.AppliedCoupon.AppliesTo;
import io.accrue.invoice.compute.AppliedCoupon.Kind;
import io.accrue.invoice.compute.ContractTerms.Commitment;
import io.accrue.invoice.compute.ContractTerms.MinimumSpend;
import io.accrue.invoice.compute.ContractTerms.NegotiatedRate;
import io.accrue.invoice.compute.InvoiceInput.PlanSegment;
import io.accrue.invoice.compute.PlanTerms.OverageRule;
import io.accrue.invoice.compute.PlanTerms.Tier;

/**
 * Billing-rules "Coupons" rule C3 as a table, through the whole calculator so the order against contract rates,
 * minimums and credits is what is tested: a plan of {@code base} per period whose usage is {@code packages}
 * packages of 1,000 tokens at {@code unit} each (no allowance), an optional contract, the coupons in redemption
 * order → the lines "type amount" and the total.
 */
class CouponDiscountsTest {

    static final Instant JAN = Instant.parse("2026-01-01T00:00:00Z");
    static final Instant FEB = Instant.parse("2026-02-01T00:00:00Z");

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', textBlock = """
            percent off everything            | USD | 100.00 | 50   | 1.00  | -               | pct:10:all                 | base_fee 100.00, overage 50.00, coupon_discount -15.00 | 135.00
            percent off the base fee          | USD | 100.00 | 50   | 1.00  | -               | pct:10:base_fee            | base_fee 100.00, overage 50.00, coupon_discount -10.00 | 140.00
            percent off usage                 | USD | 100.00 | 50   | 1.00  | -               | pct:10:usage               | base_fee 100.00, overage 50.00, coupon_discount -5.00  | 145.00
            amount off usage                  | USD | 100.00 | 50   | 1.00  | -               | amt:30:usage:USD           | base_fee 100.00, overage 50.00, coupon_discount -30.00 | 120.00
            amount larger than the usage      | USD | 100.00 | 50   | 1.00  | -               | amt:80:usage:USD           | base_fee 100.00, overage 50.00, coupon_discount -50.00 | 100.00
            amount larger than the base fee   | USD | 100.00 | 50   | 1.00  | -               | amt:500:base_fee:USD       | base_fee 100.00, overage 50.00, coupon_discount -100.00 | 50.00
            amount larger than everything     | USD | 100.00 | 50   | 1.00  | -               | amt:1000:all:USD           | base_fee 100.00, overage 50.00, coupon_discount -150.00 | 0.00
            a base-fee coupon without a fee   | USD | 0      | 50   | 1.00  | -               | pct:50:base_fee            | overage 50.00                                          | 50.00
            JPY has no decimals               | JPY | 1000   | 333  | 1     | -               | pct:15:all                 | base_fee 1000, overage 333, coupon_discount -200       | 1133
            KWD has three                     | KWD | 10.000 | 1234 | 0.001 | -               | pct:12.5:all               | base_fee 10.000, overage 1.234, coupon_discount -1.404 | 9.830
            KWD amount off                    | KWD | 10.000 | 1234 | 0.001 | -               | amt:0.250:usage:KWD        | base_fee 10.000, overage 1.234, coupon_discount -0.250 | 10.984
            two coupons: percent then amount  | USD | 100.00 | 50   | 1.00  | -               | pct:50:base_fee;amt:60:all:USD | base_fee 100.00, overage 50.00, coupon_discount -50.00, coupon_discount -60.00 | 40.00
            two coupons: amount then percent  | USD | 100.00 | 50   | 1.00  | -               | amt:60:all:USD;pct:50:base_fee | base_fee 100.00, overage 50.00, coupon_discount -60.00, coupon_discount -30.00 | 60.00
            the second finds nothing left     | USD | 0.01   | 0    | 1.00  | -               | pct:50:base_fee;pct:100:base_fee | base_fee 0.01, coupon_discount -0.01             | 0.00
            after the contract's discount     | USD | 100.00 | 50   | 1.00  | discount:20     | pct:10:usage               | base_fee 100.00, overage 40.00, coupon_discount -4.00  | 136.00
            after the contract's fixed price  | USD | 100.00 | 50   | 1.00  | fixed:0.50      | pct:10:usage               | base_fee 100.00, overage 25.00, coupon_discount -2.50  | 122.50
            before the minimum top-up         | USD | 100.00 | 50   | 1.00  | minimum:200     | pct:20:all                 | base_fee 100.00, overage 50.00, coupon_discount -30.00, minimum_top_up 80.00 | 200.00
            a minimum already met             | USD | 100.00 | 50   | 1.00  | minimum:100     | pct:20:all                 | base_fee 100.00, overage 50.00, coupon_discount -30.00 | 120.00
            before prepaid credits            | USD | 100.00 | 50   | 1.00  | credits:50      | pct:10:all                 | base_fee 100.00, overage 50.00, coupon_discount -15.00, prepaid_credit -50.00 | 85.00
            credits pay only what is left     | USD | 100.00 | 50   | 1.00  | credits:500     | amt:100:all:USD            | base_fee 100.00, overage 50.00, coupon_discount -100.00, prepaid_credit -50.00 | 0.00
            before the commitment true-up     | USD | 100.00 | 50   | 1.00  | commitment:100  | pct:10:usage               | base_fee 100.00, overage 50.00, coupon_discount -5.00, commitment_true_up 55.00 | 200.00
            """)
    void couponsApplyInTheDocumentedOrder(String name, String currency, String base, long packages, String unit,
            String contract, String coupons, String lines, String total) {
        ComputedInvoice invoice = new InvoiceCalculator().compute(input(currency, base, packages, unit,
                contract(contract, currency), coupons(coupons)));
        assertEquals(lines, invoice.lines().stream().map(l -> l.type().wire() + " " + l.amount().toPlainString())
                .collect(Collectors.joining(", ")));
        assertEquals(new BigDecimal(total), invoice.total());
    }

    @Test
    void aUsageDiscountIsTakenOffTheCommitmentDrawdownAndABaseFeeDiscountIsNot() {
        ContractTerms commitment = contract("commitment:1000", "USD");
        ComputedInvoice onUsage = new InvoiceCalculator()
                .compute(input("USD", "100.00", 50, "1.00", commitment, coupons("pct:10:all")));
        // 15.00 off: 10.00 fell on the base fee, 5.00 on usage, so 45.00 of usage is consumed
        assertEquals(new BigDecimal("45.00"), onUsage.commitmentDrawdown());
        ComputedInvoice onBase = new InvoiceCalculator()
                .compute(input("USD", "100.00", 50, "1.00", commitment, coupons("amt:40:base_fee:USD")));
        assertEquals(new BigDecimal("50.00"), onBase.commitmentDrawdown());
    }

    @Test
    void theLineIsNamedWithItsCoupon() {
        ComputedInvoice invoice = new InvoiceCalculator()
                .compute(input("USD", "100.00", 0, "1.00", null, coupons("pct:25:base_fee")));
        assertEquals("Coupon launch-2: 25% off the base fee", invoice.lines().get(1).description());
        assertEquals("base_fee", invoice.lines().get(1).meter());
    }

    @Test
    void anAmountInAnotherCurrencyIsNeverConverted() {
        assertThrows(IllegalArgumentException.class, () -> new InvoiceCalculator()
                .compute(input("EUR", "100.00", 0, "1.00", null, coupons("amt:10:all:USD"))));
    }

    static InvoiceInput input(String currency, String base, long packages, String unit, ContractTerms contract,
            List<AppliedCoupon> coupons) {
        PlanTerms plan = new PlanTerms("p", 1, "tiered", currency, new BigDecimal(base), Map.of("llm_tokens", 0L),
                List.of(new OverageRule("llm_tokens", 1000, List.of(new Tier(null, new BigDecimal(unit))))));
        UsageTotals usage = new UsageTotals(packages * 1000, 0, 0, 0, BigDecimal.ZERO, List.of());
        return new InvoiceInput(currency, JAN, FEB, List.of(new PlanSegment(JAN, FEB, plan)), usage, BigDecimal.ZERO,
                contract, BigDecimal.ZERO, List.of(), coupons);
    }

    /** {@code -}, {@code discount:<percent>}, {@code fixed:<per package>}, {@code minimum:<monthly>}, {@code credits:<balance>}, {@code commitment:<amount>}. */
    static ContractTerms contract(String spec, String currency) {
        if (spec.equals("-")) {
            return null;
        }
        String[] p = spec.split(":");
        BigDecimal v = new BigDecimal(p[1]);
        return switch (p[0]) {
            case "discount" -> new ContractTerms("c", 1, currency, null,
                    List.of(new NegotiatedRate("llm_tokens", null, "discount_percent", v)), BigDecimal.ZERO);
            case "fixed" -> new ContractTerms("c", 1, currency, null,
                    List.of(new NegotiatedRate("llm_tokens", null, "fixed_unit_price", v)), BigDecimal.ZERO);
            case "minimum" -> new ContractTerms("c", 1, currency, null, List.of(), BigDecimal.ZERO,
                    List.of(new MinimumSpend("monthly", v, JAN, FEB, BigDecimal.ZERO)));
            case "credits" -> new ContractTerms("c", 1, currency, null, List.of(), v);
            case "commitment" -> new ContractTerms("c", 1, currency, new Commitment(v, JAN, FEB), List.of(),
                    BigDecimal.ZERO);
            default -> throw new IllegalArgumentException(spec);
        };
    }

    /** {@code pct:<percent>:<appliesTo>} or {@code amt:<amount>:<appliesTo>:<currency>}, separated by {@code ;}. */
    static List<AppliedCoupon> coupons(String spec) {
        List<AppliedCoupon> out = new ArrayList<>();
        int n = 1;
        for (String c : Arrays.stream(spec.split(";")).map(String::strip).toList()) {
            String[] p = c.split(":");
            AppliesTo to = WireValue.find(AppliesTo.class, p[2]).orElseThrow();
            out.add(p[0].equals("pct")
                    ? new AppliedCoupon("r" + n, "launch-" + ++n, Kind.PERCENT_OFF, new BigDecimal(p[1]), null, to)
                    : new AppliedCoupon("r" + n, "launch-" + ++n, Kind.AMOUNT_OFF, new BigDecimal(p[1]), p[3], to));
        }
        return out;
    }
}
