package io.accrue.invoice.compute;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import io.accrue.invoice.compute.ComputedLine.Converted;
import io.accrue.invoice.compute.ComputedLine.LineDimension;
import io.accrue.invoice.compute.ComputedLine.LineType;
import io.accrue.invoice.compute.ContractTerms.NegotiatedRate;
import io.accrue.invoice.compute.GraduatedTiers.TierCharge;
import io.accrue.invoice.compute.InvoiceInput.LateUsage;
import io.accrue.invoice.compute.InvoiceInput.PlanSegment;
import io.accrue.invoice.compute.PlanTerms.OverageRule;
import io.accrue.invoice.compute.PlanTerms.Tier;
import io.accrue.invoice.fx.FxRate;

/**
 * Turns an {@link InvoiceInput} into invoice lines. Pure: no clock, no I/O. The rules are written down in
 * docs/billing-rules.md ("Invoices"); each step below names the rule it applies.
 */
public final class InvoiceCalculator {

    private static final BigDecimal HUNDRED = BigDecimal.valueOf(100);

    /** A line before its one rounding; {@code fx} when {@code exact} was converted from another currency. */
    private record Draft(LineType type, String description, String meter, String model, BigDecimal quantity,
            BigDecimal unitAmount, BigDecimal exact, Instant from, Instant to, Converted fx,
            List<LineDimension> dimensions) {

        Draft(LineType type, String description, String meter, String model, BigDecimal quantity,
                BigDecimal unitAmount, BigDecimal exact, Instant from, Instant to) {
            this(type, description, meter, model, quantity, unitAmount, exact, from, to, null, List.of());
        }

        Draft(LineType type, String description, String meter, String model, BigDecimal quantity,
                BigDecimal unitAmount, BigDecimal exact, Instant from, Instant to, Converted fx) {
            this(type, description, meter, model, quantity, unitAmount, exact, from, to, fx, List.of());
        }
    }

    public ComputedInvoice compute(InvoiceInput in) {
        String currency = in.currency();
        requireCurrency(in);
        List<ComputedLine> lines = new ArrayList<>();

        // 1. base fee, one line per plan segment, prorated by time covered
        for (PlanSegment s : in.segments()) {
            BigDecimal fee = s.plan().basePrice();
            if (fee.signum() == 0) {
                continue;
            }
            BigDecimal exact = Proration.share(fee, s.from(), s.to(), in.periodStart(), in.periodEnd());
            if (exact.signum() == 0) {
                continue;
            }
            BigDecimal fraction = Proration.fraction(s.from(), s.to(), in.periodStart(), in.periodEnd());
            String what = s.plan().slug() + " plan (v" + s.plan().version() + ")"
                    + (fraction.compareTo(BigDecimal.ONE) == 0 ? "" : ", prorated");
            lines.add(round(new Draft(LineType.BASE_FEE, what, null, null, fraction, fee, exact,
                    max(s.from(), in.periodStart()), min(s.to(), in.periodEnd())), currency));
        }

        // 2. usage, each part at the plan in effect when it occurred; allowances consumed in order
        usageDrafts(usageWindows(in), in.contract(), in.llmMarkup()).forEach(d -> lines.add(round(d, currency)));

        // 3. late usage of closed periods: the marginal charge at that period's own prices, as one line each
        for (LateUsage late : in.late()) {
            BigDecimal before = exactSum(usageDrafts(
                    usageWindows(late.billed(), late.periodStart(), late.periodEnd(), UsageTotals.NONE),
                    in.contract(), in.llmMarkup()));
            List<Draft> afterDrafts = usageDrafts(
                    usageWindows(late.now(), late.periodStart(), late.periodEnd(), UsageTotals.NONE), in.contract(),
                    in.llmMarkup());
            BigDecimal exact = exactSum(afterDrafts).subtract(before);
            if (exact.signum() != 0) {
                long tokens = late.tokensRecordedSince();
                // the marginal charge mixes count-based and converted amounts: it records the rate, not an original
                Converted fx = afterDrafts.stream().map(Draft::fx).filter(f -> f != null).findFirst()
                        .map(f -> new Converted(null, f.rate())).orElse(null);
                String priced = "";
                if (late.periodCurrency() != null) {
                    // the closed period billed in another currency: priced there, converted through its recorded rate
                    if (in.contract() != null && !in.contract().rates().isEmpty()) {
                        throw new IllegalArgumentException("late usage of " + late.periodStart() + " – "
                                + late.periodEnd() + " is priced in " + late.periodCurrency().from()
                                + " but the contract's negotiated rates are in " + in.contract().currency());
                    }
                    FxRate rate = late.periodCurrency().require();
                    fx = new Converted(exact, rate);
                    priced = ", priced in " + rate.from() + " (that period's currency) and converted at "
                            + rate.rate().stripTrailingZeros().toPlainString() + " (" + rate.source() + ", "
                            + rate.date() + ")";
                    exact = rate.convert(exact);
                }
                lines.add(round(new Draft(LineType.LATE_USAGE,
                        "Usage recorded after the close of " + late.periodStart() + " – " + late.periodEnd() + priced,
                        null, null, BigDecimal.valueOf(tokens), null, exact, late.periodStart(), late.periodEnd(), fx),
                        currency));
            }
        }

        // 3b. coupons, in redemption order, on the charges after the contract's own rates (billing-rules C3)
        BigDecimal couponsOnUsage = BigDecimal.ZERO;
        List<CouponDiscounts.Discount> discounts = List.of();
        if (!in.coupons().isEmpty()) {
            BigDecimal base = sumOf(lines, LineType.BASE_FEE);
            BigDecimal usage = sumOf(lines, LineType.OVERAGE, LineType.LLM_USAGE, LineType.LATE_USAGE);
            discounts = CouponDiscounts.apply(in.coupons(), base, usage, currency);
            for (CouponDiscounts.Discount d : discounts) {
                couponsOnUsage = couponsOnUsage.add(d.onUsage());
                if (d.amount().signum() > 0) {
                    lines.add(new ComputedLine(LineType.COUPON_DISCOUNT, CouponDiscounts.describe(d),
                            d.coupon().appliesTo().wire(), null, BigDecimal.ONE, null, d.amount().negate(),
                            in.periodStart(), in.periodEnd()));
                }
            }
        }

        // 4. commitment: usage draws the commitment down (net of what coupons took off it); the window's last
        // invoice trues up a shortfall
        BigDecimal drawdown = BigDecimal.ZERO;
        ContractTerms contract = in.contract();
        if (contract != null && contract.commitment() != null && overlaps(contract.commitment(), in)) {
            drawdown = lines.stream()
                    .filter(l -> l.type() != LineType.BASE_FEE && l.type() != LineType.COUPON_DISCOUNT)
                    .map(ComputedLine::amount).reduce(BigDecimal.ZERO, BigDecimal::add).subtract(couponsOnUsage);
            if (!in.periodEnd().isBefore(contract.commitment().periodEnd())) {
                BigDecimal shortfall = contract.commitment().amount()
                        .subtract(in.commitmentDrawnBefore()).subtract(drawdown);
                if (shortfall.signum() > 0) {
                    lines.add(round(new Draft(LineType.COMMITMENT_TRUE_UP,
                            "Commitment true-up (committed " + contract.commitment().amount().toPlainString() + ")",
                            null, null, BigDecimal.ONE, shortfall, shortfall, contract.commitment().periodStart(),
                            contract.commitment().periodEnd()), currency));
                }
            }
        }

        // 4b. minimum spend: the invoice that ends a minimum's window tops the window's charges up to it
        if (contract != null) {
            List<ContractTerms.MinimumSpend> minimums = contract.minimums().stream()
                    .sorted(java.util.Comparator.comparingInt(ContractTerms.MinimumSpend::months)).toList();
            for (ContractTerms.MinimumSpend m : minimums) {
                if (!m.windowStart().isBefore(in.periodEnd()) || in.periodEnd().isBefore(m.windowEnd())) {
                    continue; // the window is not over with this invoice: a later one settles it
                }
                BigDecimal shortfall = m.amount().subtract(m.spentBefore()).subtract(sum(lines));
                if (shortfall.signum() > 0) {
                    lines.add(round(new Draft(LineType.MINIMUM_TOP_UP,
                            "Minimum spend top-up (" + m.period() + " minimum " + m.amount().stripTrailingZeros()
                                    .toPlainString() + ")",
                            m.period(), null, BigDecimal.ONE, shortfall, shortfall, m.windowStart(), m.windowEnd()),
                            currency));
                }
            }
        }

        // 5. prepaid credits pay what is owed, never more than the balance nor the charges
        BigDecimal charges = sum(lines);
        BigDecimal credits = BigDecimal.ZERO;
        if (contract != null && contract.prepaidCreditBalance().signum() > 0 && charges.signum() > 0) {
            // rounded DOWN so the credit line can never exceed the balance held
            BigDecimal usable = contract.prepaidCreditBalance().setScale(Rounding.minorUnit(currency),
                    RoundingMode.DOWN);
            credits = usable.min(charges);
            if (credits.signum() > 0) {
                lines.add(new ComputedLine(LineType.PREPAID_CREDIT, "Prepaid credits applied", null, null,
                        BigDecimal.ONE, credits.negate(), credits.negate(), in.periodStart(), in.periodEnd()));
            }
        }

        return new ComputedInvoice(currency, List.copyOf(lines), charges, sum(lines), drawdown, credits, discounts);
    }

    /** Usage that one plan prices: what occurred in {@code [from, to)} while it was in effect. */
    record UsageWindow(Instant from, Instant to, PlanTerms plan, UsageTotals usage) {}

    private static final List<String> METERS = List.of("llm_tokens", "agent_sessions", "tool_calls", "requests");

    /**
     * The usage windows of the period, in order: segment i's window runs from its start (the period start for the
     * first) to segment i+1's start (the period end for the last). A period's total usage may stand in for the
     * windows only when one plan covers it.
     */
    static List<UsageWindow> usageWindows(InvoiceInput in) {
        return usageWindows(in.segments(), in.periodStart(), in.periodEnd(), in.usage());
    }

    static List<UsageWindow> usageWindows(List<PlanSegment> segments, Instant periodStart, Instant periodEnd,
            UsageTotals periodUsage) {
        boolean perSegment = segments.stream().anyMatch(s -> s.usage() != null);
        if (!perSegment && segments.size() > 1 && !periodUsage.equals(UsageTotals.NONE)) {
            throw new IllegalArgumentException(
                    "a period with several plan segments needs its usage per segment (priced by the plan in effect)");
        }
        List<UsageWindow> windows = new ArrayList<>();
        for (int i = 0; i < segments.size(); i++) {
            PlanSegment s = segments.get(i);
            Instant from = i == 0 ? periodStart : max(s.from(), periodStart);
            Instant to = i == segments.size() - 1 ? periodEnd : min(segments.get(i + 1).from(), periodEnd);
            UsageTotals usage = perSegment ? (s.usage() == null ? UsageTotals.NONE : s.usage()) : periodUsage;
            windows.add(new UsageWindow(from, to, s.plan(), usage));
        }
        return windows;
    }

    /** The exact, unrounded usage charges of one period under one plan. */
    static List<Draft> usageDrafts(PlanTerms plan, UsageTotals usage, ContractTerms contract, BigDecimal markup,
            Instant from, Instant to) {
        return usageDrafts(List.of(new UsageWindow(from, to, plan, usage)), contract, markup);
    }

    /**
     * The exact, unrounded usage charges of a period whose usage windows each have their own plan (rule 3). Per
     * meter, the allowance is consumed in order: a window's plan includes what its allowance leaves after all usage
     * of the earlier windows ({@code max(0, allowance − used before)}), its overage is charged at its own prices,
     * and its tiers continue from the overage already charged in the period. So an upgrade never erases overage
     * already incurred, and the units included over the whole period never exceed the largest allowance of its
     * plans (never two allowances). One window is the plain rule: usage − allowance.
     */
    static List<Draft> usageDrafts(List<UsageWindow> windows, ContractTerms contract, BigDecimal markup) {
        List<Draft> drafts = new ArrayList<>();
        Map<String, Long> usedBefore = new HashMap<>();
        Map<String, Long> overageBefore = new HashMap<>();
        for (UsageWindow w : windows) {
            drafts.addAll(windowDrafts(w, windows.size() > 1, contract, markup, usedBefore, overageBefore));
            for (String meter : METERS) {
                usedBefore.merge(meter, w.usage().meter(meter), Long::sum);
            }
        }
        return drafts;
    }

    private static List<Draft> windowDrafts(UsageWindow w, boolean namePlan, ContractTerms contract, BigDecimal markup,
            Map<String, Long> usedBefore, Map<String, Long> overageBefore) {
        PlanTerms plan = w.plan();
        UsageTotals usage = w.usage();
        Instant from = w.from();
        Instant to = w.to();
        List<Draft> drafts = new ArrayList<>();
        if (plan.billsOverage()) {
            for (OverageRule rule : plan.overage()) {
                if (!plan.chargesOverageOf(rule.meter())) {
                    continue; // tokens priced per model below, or billed by Stripe: never twice
                }
                long allowance = plan.allowances().getOrDefault(rule.meter(), 0L);
                long left = Math.max(0, allowance - usedBefore.getOrDefault(rule.meter(), 0L));
                long over = usage.meter(rule.meter()) - left;
                if (over <= 0) {
                    continue;
                }
                long earlierOverage = overageBefore.getOrDefault(rule.meter(), 0L);
                overageBefore.merge(rule.meter(), over, Long::sum);
                List<Tier> tiers = rule.tiers();
                Optional<NegotiatedRate> rate = contract == null
                        ? Optional.empty()
                        : contract.rateForMeter(rule.meter());
                if (rate.isPresent() && rate.get().kind().equals("fixed_unit_price")) {
                    tiers = List.of(new Tier(null, rate.get().value()));
                } else if (rate.isPresent() && rate.get().kind().equals("discount_percent")) {
                    BigDecimal keep = BigDecimal.ONE.subtract(rate.get().value().divide(HUNDRED));
                    tiers = tiers.stream().map(t -> new Tier(t.upTo(), t.unitAmount().multiply(keep))).toList();
                }
                List<TierCharge> charges = GraduatedTiers.chargeAfter(earlierOverage, over, rule.packageSize(), tiers);
                String included = left == allowance
                        ? " above the " + grouped(allowance) + " included"
                        : " above the " + grouped(left) + " included left of " + grouped(allowance)
                                + " (used earlier in the period)";
                for (TierCharge c : charges) {
                    String what = meterName(rule.meter()) + included
                            + (namePlan ? " on the " + plan.slug() + " plan" : "") + ", tier " + c.tier()
                            + " (packages of " + grouped(rule.packageSize()) + ")";
                    drafts.add(new Draft(LineType.OVERAGE, what, rule.meter(), null, BigDecimal.valueOf(c.packages()),
                            c.unitAmount(), c.exactAmount(), from, to));
                }
            }
        }
        if (plan.billsUsageAtCostPlus()) {
            for (UsageTotals.ModelUsage m : usage.byModel()) {
                // the charge is cost × factor; each dimension's share is its cost × the same factor, so the
                // shares add up exactly to the line's exact amount (rounded once, as one line)
                BigDecimal factor = BigDecimal.ONE.add(markup);
                BigDecimal exact = m.cost().multiply(BigDecimal.ONE.add(markup));
                String how = "at provider cost + " + markup.multiply(HUNDRED).stripTrailingZeros().toPlainString()
                        + "%";
                Optional<NegotiatedRate> rate = contract == null ? Optional.empty() : contract.rateForModel(m.model());
                BigDecimal unit = null;
                if (rate.isPresent() && rate.get().kind().equals("fixed_unit_price")) {
                    unit = rate.get().value();
                    exact = unit.multiply(BigDecimal.valueOf(m.totalTokens()));
                    how = "at the contract price per token";
                } else if (rate.isPresent() && rate.get().kind().equals("discount_percent")) {
                    exact = exact.multiply(BigDecimal.ONE.subtract(rate.get().value().divide(HUNDRED)));
                    factor = factor.multiply(BigDecimal.ONE.subtract(rate.get().value().divide(HUNDRED)));
                    how += ", contract discount " + rate.get().value().stripTrailingZeros().toPlainString() + "%";
                }
                Converted fx = null;
                // provider cost is in the catalog's currency; a contract price per token is already in the
                // account's. Only the former converts, through the recorded rate of the period (or fails the close).
                if (unit == null && exact.signum() != 0 && usage.costConversion() != null) {
                    FxRate fxRate = usage.costConversion().require();
                    fx = new Converted(exact, fxRate);
                    exact = fxRate.convert(exact);
                    factor = fxRate.convert(factor);
                    how += ", converted from " + fxRate.from() + " at " + fxRate.rate().stripTrailingZeros()
                            .toPlainString() + " (" + fxRate.source() + ", " + fxRate.date() + ")";
                }
                if (exact.signum() != 0) {
                    drafts.add(new Draft(LineType.LLM_USAGE, m.model() + " (" + m.provider() + ") " + how, "llm_tokens",
                            m.model(), BigDecimal.valueOf(m.totalTokens()), unit, exact, from, to, fx,
                            dimensions(m, unit, factor)));
                }
            }
        }
        return drafts;
    }

    /**
     * The line's dimensions: each at its cost × the line's factor, or, at a contract price per token, tokens at that
     * price and nothing for units and request fees (the contract price replaces the provider's prices).
     */
    private static List<LineDimension> dimensions(UsageTotals.ModelUsage m, BigDecimal unit, BigDecimal factor) {
        return m.dimensions().stream().map(d -> new LineDimension(d.dimension(), d.kind(), d.quantity(), d.cost(),
                unit != null
                        ? ("tokens".equals(d.kind())
                                ? unit.multiply(BigDecimal.valueOf(d.quantity()))
                                : BigDecimal.ZERO)
                        : d.cost().multiply(factor)))
                .toList();
    }

    private static void requireCurrency(InvoiceInput in) {
        // never convert: an input in another currency means the data is inconsistent, so the invoice fails
        for (PlanSegment s : in.segments()) {
            if (s.plan().basePrice().signum() != 0 && !in.currency().equals(s.plan().currency())) {
                throw new IllegalArgumentException("plan " + s.plan().slug() + " is priced in " + s.plan().currency()
                        + ", the account bills in " + in.currency());
            }
        }
        if (in.contract() != null && !in.currency().equals(in.contract().currency())) {
            throw new IllegalArgumentException("contract currency " + in.contract().currency() + " differs from "
                    + in.currency());
        }
    }

    private static boolean overlaps(ContractTerms.Commitment c, InvoiceInput in) {
        return c.periodStart().isBefore(in.periodEnd()) && c.periodEnd().isAfter(in.periodStart());
    }

    private static ComputedLine round(Draft d, String currency) {
        return new ComputedLine(d.type(), d.description(), d.meter(), d.model(), d.quantity(),
                d.unitAmount() == null ? null : d.unitAmount().stripTrailingZeros(),
                Rounding.toMinorUnit(d.exact(), currency), d.from(), d.to(), d.fx(), d.dimensions());
    }

    private static BigDecimal exactSum(List<Draft> drafts) {
        return drafts.stream().map(Draft::exact).reduce(BigDecimal.ZERO, BigDecimal::add);
    }

    private static BigDecimal sumOf(List<ComputedLine> lines, LineType... types) {
        List<LineType> wanted = List.of(types);
        return sum(lines.stream().filter(l -> wanted.contains(l.type())).toList());
    }

    private static BigDecimal sum(List<ComputedLine> lines) {
        return lines.stream().map(ComputedLine::amount).reduce(BigDecimal.ZERO, BigDecimal::add);
    }

    private static Instant max(Instant a, Instant b) {
        return a.isAfter(b) ? a : b;
    }

    private static Instant min(Instant a, Instant b) {
        return a.isBefore(b) ? a : b;
    }

    /**
     * The meter as a finance reader names it ({@code LLM tokens}, {@code agent sessions}); the line's {@code meter}
     * field keeps the key.
     */
    static String meterName(String meter) {
        return switch (meter) {
            case "llm_tokens" -> "LLM tokens";
            default -> meter.replace('_', ' ');
        };
    }

    /** 1,000,000, not 1000000: counts in descriptions are read by people. */
    private static String grouped(long count) {
        return String.format(java.util.Locale.ROOT, "%,d", count);
    }
}
