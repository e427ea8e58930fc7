package io.accrue.e2e.model;

import java.math.BigDecimal;
import java.math.MathContext;
import java.math.RoundingMode;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import io.accrue.e2e.model.History.ContractSpec;
import io.accrue.e2e.model.History.Event;
import io.accrue.e2e.model.History.PlanSpec;
import io.accrue.e2e.model.History.Tier;

/**
 * The reference model: what one invoice must be, written from docs/billing-rules.md alone, with plain
 * {@link BigDecimal} and no production class. Each step cites its rule ("U2" = Rating usage rule 2, "I4" =
 * Invoices rule 4, "C5" = Contracts rule 5). It is deliberately naive: a reviewer checks it against the doc line
 * by line, and where it disagrees with the services the doc decides which one is wrong.
 */
public final class ReferenceModel {

    /** Provider list prices per million tokens of the seeded catalog (input data, as the catalog publishes it). */
    public record Price(BigDecimal inputPerMillion, BigDecimal outputPerMillion, BigDecimal cachedPerMillion) {}

    public static final Map<String, Price> CATALOG = Map.of(
            "gpt-4o", new Price(new BigDecimal("2.50"), new BigDecimal("10.00"), new BigDecimal("1.25")),
            "gpt-4o-mini", new Price(new BigDecimal("0.15"), new BigDecimal("0.60"), new BigDecimal("0.075")),
            "claude-sonnet-4", new Price(new BigDecimal("3.00"), new BigDecimal("15.00"), new BigDecimal("0.30")));

    /** The suite's configured cost-plus markup ({@code accrue.invoice.llm-markup}, I5). */
    public static final BigDecimal LLM_MARKUP = new BigDecimal("0.20");

    /**
     * The exchange rates the runner records for every day of a batch ({@code 1 USD = rate × currency}, Currencies
     * rule 2): one fixed rate per currency, because the rate table is shared by all histories of a batch.
     */
    public static final Map<String, BigDecimal> USD_RATES = Map.of("EUR", new BigDecimal("0.9234"),
            "JPY", new BigDecimal("151.37"), "KWD", new BigDecimal("0.3071"), "GBP", new BigDecimal("0.7912"));

    /** The rate provider cost (recorded in the catalog's USD) converts with into the account's currency. */
    public static BigDecimal usdRate(String currency) {
        return currency.equals("USD") ? BigDecimal.ONE : USD_RATES.get(currency);
    }

    private static final BigDecimal MILLION = BigDecimal.valueOf(1_000_000);
    private static final BigDecimal HUNDRED = BigDecimal.valueOf(100);

    /** A plan in effect over {@code [from, to)}. */
    public record Segment(Instant from, Instant to, PlanSpec plan) {}

    /**
     * Usage of a closed period that was recorded after its close (I7): {@code billed} is what that close saw,
     * {@code recorded} is everything recorded for the period by now, {@code plan} the plan at that period's end.
     */
    public record Late(Instant start, Instant end, PlanSpec plan, List<Event> billed, List<Event> recorded) {}

    /** Everything one close needs, as the history observed it. */
    public record PeriodInput(String currency, Instant start, Instant end, List<Segment> segments,
            List<Event> usage, List<Late> late, ContractSpec contract, BigDecimal creditsAppliedBefore) {}

    /** An expected line: {@code key} is the meter or model it charges ("" for none). */
    public record Line(String type, String key, Instant periodStart, BigDecimal amount) {

        @Override
        public String toString() {
            return type + (key.isEmpty() ? "" : "[" + key + "]") + "@" + periodStart + "=" + amount.toPlainString();
        }
    }

    public record Invoice(List<Line> lines, BigDecimal total, BigDecimal commitmentDrawdown,
            BigDecimal creditsApplied) {}

    private record Draft(String type, String key, BigDecimal exact) {}

    private ReferenceModel() {
    }

    /** Money and rounding: JPY 0 places, USD / EUR 2, KWD / BHD 3. */
    public static int minorUnit(String currency) {
        return switch (currency) {
            case "JPY", "KRW" -> 0;
            case "KWD", "BHD", "OMR" -> 3;
            default -> 2;
        };
    }

    /** I10: every line rounded exactly once, half-up, to the minor unit. */
    static BigDecimal round(BigDecimal exact, String currency) {
        return exact.setScale(minorUnit(currency), RoundingMode.HALF_UP);
    }

    /** U2: the provider cost of one event, 12 places half-up once (cached tokens are part of the input tokens). */
    public static BigDecimal cost(Event e) {
        Price p = CATALOG.get(e.model());
        BigDecimal perMillion = BigDecimal.valueOf(e.inputTokens() - e.cachedTokens()).multiply(p.inputPerMillion())
                .add(BigDecimal.valueOf(e.cachedTokens()).multiply(p.cachedPerMillion()))
                .add(BigDecimal.valueOf(e.outputTokens()).multiply(p.outputPerMillion()));
        return perMillion.divide(MILLION, 12, RoundingMode.HALF_UP);
    }

    static long tokens(Event e) {
        return e.inputTokens() + e.outputTokens();
    }

    public static Invoice invoice(PeriodInput in) {
        String cur = in.currency();
        List<Line> lines = new ArrayList<>();
        // I2: one base-fee line per segment, basePrice × seconds covered / seconds in the period
        long periodSeconds = Duration.between(in.start(), in.end()).getSeconds();
        for (Segment s : in.segments()) {
            Instant from = s.from().isAfter(in.start()) ? s.from() : in.start();
            Instant to = s.to().isBefore(in.end()) ? s.to() : in.end();
            if (s.plan().basePrice().signum() == 0 || !from.isBefore(to)) {
                continue;
            }
            BigDecimal exact = s.plan().basePrice()
                    .multiply(BigDecimal.valueOf(Duration.between(from, to).getSeconds()))
                    .divide(BigDecimal.valueOf(periodSeconds), MathContext.DECIMAL128);
            if (exact.signum() != 0) {
                lines.add(new Line("base_fee", "", from, round(exact, cur)));
            }
        }
        // I3: usage is priced by the plan in effect at the end of the period (the last segment)
        if (!in.segments().isEmpty()) {
            Segment last = in.segments().get(in.segments().size() - 1);
            PlanSpec closing = last.plan();
            // I3: a usage line is dated at the start of the segment whose usage it prices (clipped to the period)
            Instant dated = last.from().isAfter(in.start()) ? last.from() : in.start();
            for (Draft d : usageCharges(closing, in.usage(), in.contract(), usdRate(cur))) {
                lines.add(new Line(d.type(), d.key(), dated, round(d.exact(), cur)));
            }
        }
        // I7: late usage, the marginal charge at the old period's own plan, one line per old period
        for (Late late : in.late()) {
            BigDecimal rate = usdRate(cur);
            BigDecimal exact = sum(usageCharges(late.plan(), late.recorded(), in.contract(), rate))
                    .subtract(sum(usageCharges(late.plan(), late.billed(), in.contract(), rate)));
            if (exact.signum() != 0) {
                lines.add(new Line("late_usage", "", late.start(), round(exact, cur)));
            }
        }
        // I8: everything but the base fee draws down the commitment; the window's last invoice trues up a
        // shortfall. The model's contracts have monthly windows that are exactly the billing periods (C3).
        BigDecimal drawdown = BigDecimal.ZERO;
        ContractSpec c = in.contract();
        if (c != null) {
            drawdown = lines.stream().filter(l -> !l.type().equals("base_fee")).map(Line::amount)
                    .reduce(BigDecimal.ZERO, BigDecimal::add);
            BigDecimal shortfall = c.monthlyCommitment().subtract(drawdown);
            if (c.monthlyCommitment().signum() > 0 && shortfall.signum() > 0) {
                lines.add(new Line("commitment_true_up", "", in.start(), round(shortfall, cur)));
            }
        }
        // I9 / C5: prepaid credits last: min(balance rounded down, charges); a total is never negative
        BigDecimal charges = lines.stream().map(Line::amount).reduce(BigDecimal.ZERO, BigDecimal::add);
        BigDecimal credits = BigDecimal.ZERO;
        if (c != null && c.prepaidCredits().signum() > 0) {
            BigDecimal balance = c.prepaidCredits().subtract(in.creditsAppliedBefore()).max(BigDecimal.ZERO);
            BigDecimal usable = balance.setScale(minorUnit(cur), RoundingMode.DOWN);
            if (charges.signum() > 0 && usable.signum() > 0) {
                credits = usable.min(charges);
                lines.add(new Line("prepaid_credit", "", in.start(), credits.negate()));
            }
        }
        // I10: the total is the exact sum of the rounded lines
        BigDecimal total = lines.stream().map(Line::amount).reduce(BigDecimal.ZERO, BigDecimal::add);
        return new Invoice(sorted(lines), total, drawdown, credits);
    }

    /**
     * I4–I6: the unrounded usage charges of a period's events under one plan and contract; {@code rate} converts
     * provider cost (only cost-plus amounts: Currencies rules 1 and 4) into the account's currency.
     */
    private static List<Draft> usageCharges(PlanSpec plan, List<Event> usage, ContractSpec contract,
            BigDecimal rate) {
        List<Draft> drafts = new ArrayList<>();
        if (plan.kind().equals("tiered")) {
            // I4: overage = used − allowance, rounded UP to whole packages, packages fill the tiers in order
            long used = usage.stream().mapToLong(ReferenceModel::tokens).sum();
            long over = used - plan.allowance();
            if (over > 0) {
                long packages = ceilDiv(over, plan.packageSize());
                List<Tier> tiers = plan.tiers();
                if (contract != null && "llm_tokens".equals(contract.rateMeter())) {
                    if (contract.rateKind().equals("fixed_unit_price")) {
                        // I6: a fixed unit price replaces the tiers with one price per package
                        tiers = List.of(new Tier(null, contract.rateValue()));
                    } else {
                        // I6: a discount multiplies each tier price by 1 − value/100
                        BigDecimal keep = BigDecimal.ONE.subtract(contract.rateValue().divide(HUNDRED));
                        tiers = tiers.stream().map(t -> new Tier(t.upTo(), t.unitAmount().multiply(keep))).toList();
                    }
                }
                long filled = 0;
                for (Tier t : tiers) {
                    // upTo counts overage units, converted to packages rounding up (no package is split)
                    long bound = t.upTo() == null ? Long.MAX_VALUE : ceilDiv(t.upTo(), plan.packageSize());
                    long inTier = Math.min(packages, bound) - filled;
                    if (inTier > 0) {
                        drafts.add(new Draft("overage", "llm_tokens",
                                BigDecimal.valueOf(inTier).multiply(t.unitAmount())));
                        filled += inTier;
                    }
                }
                if (filled < packages) {
                    throw new IllegalStateException("usage exceeds the last bounded tier: the invoice must fail");
                }
            }
        } else if (plan.kind().equals("pay_per_token")) {
            // I5: one cost-plus line per model, cost × (1 + markup); I6: per-model contract rates
            Map<String, List<Event>> byModel = new TreeMap<>();
            usage.forEach(e -> byModel.computeIfAbsent(e.model(), m -> new ArrayList<>()).add(e));
            byModel.forEach((model, events) -> {
                BigDecimal cost = events.stream().map(ReferenceModel::cost).reduce(BigDecimal.ZERO, BigDecimal::add);
                BigDecimal exact = cost.multiply(BigDecimal.ONE.add(LLM_MARKUP));
                if (contract != null && model.equals(contract.rateModel())
                        && contract.rateKind().equals("fixed_unit_price")) {
                    // a contract's price per token is in the account's currency: nothing converts (Currencies 1)
                    long tokens = events.stream().mapToLong(ReferenceModel::tokens).sum();
                    exact = contract.rateValue().multiply(BigDecimal.valueOf(tokens));
                } else {
                    if (contract != null && model.equals(contract.rateModel())) {
                        exact = exact.multiply(BigDecimal.ONE.subtract(contract.rateValue().divide(HUNDRED)));
                    }
                    exact = exact.multiply(rate); // Currencies 4: (cost × (1 + markup) × (1 − discount)) × rate
                }
                if (exact.signum() != 0) {
                    drafts.add(new Draft("llm_usage", model, exact));
                }
            });
        }
        // flat plans charge no overage (I4)
        return drafts;
    }

    private static BigDecimal sum(List<Draft> drafts) {
        return drafts.stream().map(Draft::exact).reduce(BigDecimal.ZERO, BigDecimal::add);
    }

    private static long ceilDiv(long a, long b) {
        return Math.floorDiv(a + b - 1, b);
    }

    /** Lines in a canonical order, so that expected and actual compare as lists. */
    public static List<Line> sorted(List<Line> lines) {
        return lines.stream().sorted(Comparator.comparing(Line::type).thenComparing(Line::key)
                .thenComparing(Line::periodStart).thenComparing(Line::amount)).toList();
    }
}
