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

    /**
     * The model a history's {@code unpriced} events name (one per history, unknown to the catalog): ingestion records
     * them unpriced (unknown-model=flag), the close waits, and the runner then adds this price as a version for
     * unpriced usage and re-rates them (Rating 10b); from then on they cost what a catalog model would at it.
     */
    public static final String UNPRICED = "unpriced";
    public static final Price ADDED_PRICE = new Price(new BigDecimal("4.00"), new BigDecimal("12.00"),
            new BigDecimal("2.00"));

    /** The suite's configured cost-plus markup ({@code accrue.invoice.llm-markup}, I5). */
    public static final BigDecimal LLM_MARKUP = new BigDecimal("0.20");

    /**
     * The exchange rates the runner records for every day of a batch ({@code 1 USD = rate × currency}, Currencies
     * rule 2): one fixed rate per currency, because the rate table is shared by all histories of a batch.
     */
    public static final Map<String, BigDecimal> USD_RATES = Map.of("EUR", new BigDecimal("0.9234"),
            "JPY", new BigDecimal("151.37"), "KWD", new BigDecimal("0.3071"), "GBP", new BigDecimal("0.7912"),
            "CHF", new BigDecimal("0.8817"));

    /**
     * The currency whose rate goes missing: the runner withholds its rates for the days a close looks back (so
     * every close of such an account that must convert fails {@code exchange_rate_missing}, Currencies rule 5) and
     * records the rate of the period's rate day once the failure is seen; the invoice then converts at it.
     */
    public static final String RATE_MISSING = "CHF";

    /** The rate provider cost (recorded in the catalog's USD) converts with on a month's last day. */
    public static BigDecimal usdRate(String currency) {
        return currency.equals("USD") ? BigDecimal.ONE : USD_RATES.get(currency);
    }

    /**
     * The rate the runner records for {@code day} ({@code 1 USD = rate × currency}, Currencies rule 2): it varies by
     * day — {@link #USD_RATES} on a month's last day, on any other day {@code USD_RATES × (1 + day-of-month / 100)}
     * — so a close that converted at any day's rate but its period's rate day would disagree with the model.
     */
    public static BigDecimal usdRate(String currency, java.time.LocalDate day) {
        BigDecimal rate = usdRate(currency);
        if (currency.equals("USD") || day.getDayOfMonth() == day.lengthOfMonth()) {
            return rate;
        }
        return rate.multiply(BigDecimal.ONE.add(BigDecimal.valueOf(day.getDayOfMonth(), 2)));
    }

    /** Currencies rule 3: a period's rate day is the UTC date of its last instant. */
    public static java.time.LocalDate rateDay(Instant periodEnd) {
        return periodEnd.minusNanos(1).atZone(java.time.ZoneOffset.UTC).toLocalDate();
    }

    /**
     * The rate the runner records for the pair {@code from → to} of a currency switch ({@code 1 from = rate to},
     * Currencies rule 2), for every day the clock passes: from USD the rate of {@link #USD_RATES}, else the cross
     * {@code USD_RATES[to] / USD_RATES[from]} to 6 places (input data: recorded as the pair itself, so no rule
     * derives it).
     */
    public static BigDecimal switchRate(String from, String to) {
        return from.equals("USD") ? usdRate(to) : usdRate(to).divide(usdRate(from), 6, RoundingMode.HALF_UP);
    }

    private static final BigDecimal MILLION = BigDecimal.valueOf(1_000_000);
    private static final BigDecimal HUNDRED = BigDecimal.valueOf(100);

    /** A plan in effect over {@code [from, to)}. */
    public record Segment(Instant from, Instant to, PlanSpec plan) {}

    /** An event as it was recorded: {@code at} is its {@code occurredAt}, which decides the plan that prices it (I3). */
    public record Usage(Instant at, Event event) {}

    /**
     * Usage of a closed period that was recorded after its close (I7): {@code billed} is what that close saw,
     * {@code recorded} is everything recorded for the period by now, {@code segments} that period's plan segments
     * (priced in that period's currency), {@code currency} the currency that period billed in (null: the invoice's).
     */
    public record Late(Instant start, Instant end, List<Segment> segments, List<Usage> billed, List<Usage> recorded,
            String currency) {

        public Late(Instant start, Instant end, List<Segment> segments, List<Usage> billed, List<Usage> recorded) {
            this(start, end, segments, billed, recorded, null);
        }
    }

    /**
     * Everything one close needs, as the history observed it. {@code termStart} / {@code termEnd}: the contract's
     * term (its minimum windows step from the start, C3); {@code earlier}: the invoices the model expected for the
     * earlier periods of the history (what they charged toward a minimum window, I8a).
     */
    public record PeriodInput(String currency, Instant start, Instant end, List<Segment> segments,
            List<Usage> usage, List<Late> late, ContractSpec contract, BigDecimal creditsAppliedBefore,
            Instant termStart, Instant termEnd, List<Invoice> earlier) {

        /** A period with no minimum spend to settle (no earlier invoices, the term is the period). */
        public PeriodInput(String currency, Instant start, Instant end, List<Segment> segments, List<Usage> usage,
                List<Late> late, ContractSpec contract, BigDecimal creditsAppliedBefore) {
            this(currency, start, end, segments, usage, late, contract, creditsAppliedBefore, start, end, List.of());
        }
    }

    /** An expected line: {@code key} is the meter or model it charges ("" for none). */
    public record Line(String type, String key, Instant periodStart, BigDecimal amount) {

        @Override
        public String toString() {
            return type + (key.isEmpty() ? "" : "[" + key + "]") + "@" + periodStart + "=" + amount.toPlainString();
        }
    }

    /**
     * {@code convertsCost}: a provider cost was converted (so a missing rate fails the close, Currencies 5);
     * {@code charges}: every charge line, prepaid credits left out (what counts toward a minimum, I8a).
     */
    public record Invoice(Instant periodStart, List<Line> lines, BigDecimal total, BigDecimal commitmentDrawdown,
            BigDecimal creditsApplied, boolean convertsCost, BigDecimal charges) {}

    /** A minimum's window (C3): {@code amount} is the minimum of the window, prorated by seconds when cut. */
    public record MinimumWindow(String period, Instant start, Instant end, BigDecimal amount) {}

    /** A line before its one rounding; {@code from} is the start of the usage window it prices. */
    private record Draft(String type, String key, Instant from, BigDecimal exact, boolean converted) {

        Draft(String type, String key, Instant from, BigDecimal exact) {
            this(type, key, from, exact, false);
        }
    }

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
        Price p = e.model().equals(UNPRICED) ? ADDED_PRICE : CATALOG.get(e.model());
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
        // I3: usage is priced by the plan in effect when it occurred, segment by segment
        boolean converts = false;
        for (Draft d : usageCharges(in.segments(), in.start(), in.end(), in.usage(), in.contract(),
                usdRate(cur, rateDay(in.end())))) {
            lines.add(new Line(d.type(), d.key(), d.from(), round(d.exact(), cur)));
            converts |= d.converted();
        }
        // I7: late usage, the marginal charge at the old period's own plan segments, one line per old period
        for (Late late : in.late()) {
            // I7: late usage belongs to the period, and the currency, it occurred in: priced in that currency (its
            // provider cost converted into it at the rate of that period's rate day, Currencies 3 and 4) ...
            String oldCur = late.currency() == null ? cur : late.currency();
            BigDecimal rate = usdRate(oldCur, rateDay(late.end()));
            List<Draft> now = usageCharges(late.segments(), late.start(), late.end(), late.recorded(), in.contract(),
                    rate);
            List<Draft> billed = usageCharges(late.segments(), late.start(), late.end(), late.billed(),
                    in.contract(), rate);
            converts |= now.stream().anyMatch(Draft::converted) || billed.stream().anyMatch(Draft::converted);
            BigDecimal exact = sum(now).subtract(sum(billed));
            if (!oldCur.equals(cur)) {
                // ... and that amount converts into the invoice's currency at the old period's old → new rate,
                // once, then is rounded once (I7, Currencies 1)
                exact = exact.multiply(switchRate(oldCur, cur));
            }
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
        // I8a: the invoice whose period end reaches a minimum's window end tops the window up, shortest first; the
        // charges of the window are every charge line of its invoices so far (top-ups of shorter minimums included,
        // prepaid credits never); a top-up draws no commitment down (it comes after the drawdown above)
        if (c != null) {
            List<History.Minimum> shortestFirst = c.minimumsOrNone().stream()
                    .sorted(Comparator.comparingInt(m -> months(m.period()))).toList();
            for (History.Minimum m : shortestFirst) {
                MinimumWindow w = minimumWindow(m, in.termStart(), in.termEnd(), in.start());
                if (in.end().isBefore(w.end())) {
                    continue; // a later invoice of the window settles it
                }
                BigDecimal before = in.earlier().stream()
                        .filter(e -> !e.periodStart().isBefore(w.start()) && e.periodStart().isBefore(w.end()))
                        .map(Invoice::charges).reduce(BigDecimal.ZERO, BigDecimal::add);
                BigDecimal now = lines.stream().map(Line::amount).reduce(BigDecimal.ZERO, BigDecimal::add);
                BigDecimal shortfall = w.amount().subtract(before).subtract(now);
                if (shortfall.signum() > 0) {
                    lines.add(new Line("minimum_top_up", m.period(), w.start(), round(shortfall, cur)));
                }
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
        return new Invoice(in.start(), sorted(lines), total, drawdown, credits, converts && !cur.equals("USD"),
                charges);
    }

    /** What a credit note gives back (I12): {@code money} refunded, {@code credits} returned to the balance. */
    public record CreditNote(BigDecimal money, BigDecimal credits) {}

    /**
     * I12: a credit note of {@code credited} (what its lines take off the invoice, each at most what is left of its
     * line) refunds money up to what is left of the invoice's total, and returns the rest to the prepaid credit
     * balance, up to what is left of the credits the invoice applied; more than both is refused (null).
     */
    public static CreditNote creditNote(BigDecimal credited, BigDecimal moneyLeft, BigDecimal creditsLeft) {
        BigDecimal money = credited.min(moneyLeft.max(BigDecimal.ZERO));
        BigDecimal credits = credited.subtract(money);
        return credits.compareTo(creditsLeft.max(BigDecimal.ZERO)) > 0 ? null : new CreditNote(money, credits);
    }

    static int months(String period) {
        return switch (period) {
            case "monthly" -> 1;
            case "quarterly" -> 3;
            case "annual" -> 12;
            default -> throw new IllegalArgumentException(period);
        };
    }

    /**
     * C3: the window of a minimum that contains {@code at}: windows step by calendar months (UTC) from the term
     * start, each from the anchor ({@code start + k × n months}); one cut by the term end is a stub whose minimum
     * is prorated by seconds, {@code amount × stub / full window}, kept at 12 places.
     */
    static MinimumWindow minimumWindow(History.Minimum m, Instant termStart, Instant termEnd, Instant at) {
        int n = months(m.period());
        java.time.ZonedDateTime anchor = termStart.atZone(java.time.ZoneOffset.UTC);
        int k = 0;
        while (!anchor.plusMonths((long) (k + 1) * n).toInstant().isAfter(at)) {
            k++;
        }
        Instant start = anchor.plusMonths((long) k * n).toInstant();
        Instant fullEnd = anchor.plusMonths((long) (k + 1) * n).toInstant();
        Instant end = fullEnd.isAfter(termEnd) ? termEnd : fullEnd;
        BigDecimal amount = m.amount();
        if (end.isBefore(fullEnd)) {
            amount = amount.multiply(BigDecimal.valueOf(Duration.between(start, end).getSeconds()))
                    .divide(BigDecimal.valueOf(Duration.between(start, fullEnd).getSeconds()), 12,
                            RoundingMode.HALF_UP);
        }
        return new MinimumWindow(m.period(), start, end, amount);
    }

    /**
     * I3: the usage windows of a period, one per plan segment: from the segment's start (the period's start for the
     * first) to the next segment's start (the period's end for the last), so usage after a cancellation belongs to
     * the plan before it. Allowances are consumed in order: a segment includes {@code max(0, allowance − usage of the
     * earlier segments)}, and its tiers continue from the overage already charged in the period.
     */
    private static List<Draft> usageCharges(List<Segment> segments, Instant start, Instant end, List<Usage> usage,
            ContractSpec contract, BigDecimal rate) {
        List<Draft> drafts = new ArrayList<>();
        long usedBefore = 0;
        long overageBefore = 0;
        // the other meters (I4), consumed in order the same way: used and overage charged so far, per meter
        Map<String, Long> meterUsedBefore = new TreeMap<>();
        Map<String, Long> meterOverageBefore = new TreeMap<>();
        // U10a: a session counts once in the period, in the window of its first event
        Map<String, Instant> sessionStarts = new TreeMap<>();
        usage.stream().filter(u -> u.event().session() != null)
                .forEach(u -> sessionStarts.merge(u.event().session(), u.at(), ReferenceModel::earliest));
        for (int i = 0; i < segments.size(); i++) {
            Instant from = i == 0 ? start : latest(segments.get(i).from(), start);
            Instant to = i == segments.size() - 1 ? end : earliest(segments.get(i + 1).from(), end);
            List<Event> window = usage.stream().filter(u -> !u.at().isBefore(from) && u.at().isBefore(to))
                    .map(Usage::event).toList();
            PlanSpec plan = segments.get(i).plan();
            long used = window.stream().mapToLong(ReferenceModel::tokens).sum();
            if (plan.kind().equals("tiered")) {
                long over = used - Math.max(0, plan.allowance() - usedBefore);
                if (over > 0) {
                    for (Draft d : overage(plan, contract, overageBefore, over, from)) {
                        drafts.add(d);
                    }
                    overageBefore += over;
                }
            } else if (plan.kind().equals("pay_per_token")) {
                drafts.addAll(costPlus(window, contract, rate, from));
            }
            Map<String, Long> meterUsed = Map.of(
                    "agent_sessions", sessionStarts.values().stream()
                            .filter(at -> !at.isBefore(from) && at.isBefore(to)).count(),
                    "tool_calls", window.stream().mapToLong(Event::toolCalls).sum());
            if (plan.kind().equals("tiered") || plan.kind().equals("pay_per_token")) {
                // I4: every plan meter's overage (cost-plus plans skip only the llm_tokens rule, I5)
                for (History.MeterSpec m : plan.metersOrNone()) {
                    long before = meterUsedBefore.getOrDefault(m.meter(), 0L);
                    long over = meterUsed.get(m.meter()) - Math.max(0, m.allowance() - before);
                    if (over > 0) {
                        PlanSpec single = new PlanSpec("tiered", BigDecimal.ZERO, m.allowance(), m.packageSize(),
                                List.of(new Tier(null, m.unitAmount())));
                        long overBefore = meterOverageBefore.getOrDefault(m.meter(), 0L);
                        for (Draft d : overage(single, null, overBefore, over, from)) {
                            drafts.add(new Draft(d.type(), m.meter(), d.from(), d.exact()));
                        }
                        meterOverageBefore.put(m.meter(), overBefore + over);
                    }
                }
            }
            meterUsed.forEach((meter, n) -> meterUsedBefore.merge(meter, n, Long::sum));
            // flat plans charge no overage (I4); their usage still consumes the allowance of later segments
            usedBefore += used;
        }
        return drafts;
    }

    /**
     * I4, I6: the overage of one segment, {@code over} units that come after {@code before} units of overage already
     * charged in the period: per tier, the packages of {@code before + over} minus those of {@code before}.
     */
    private static List<Draft> overage(PlanSpec plan, ContractSpec contract, long before, long over, Instant from) {
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
        long[] earlier = packagesPerTier(tiers, before, plan.packageSize());
        long[] now = packagesPerTier(tiers, before + over, plan.packageSize());
        List<Draft> drafts = new ArrayList<>();
        for (int t = 0; t < tiers.size(); t++) {
            if (now[t] > earlier[t]) {
                drafts.add(new Draft("overage", "llm_tokens", from,
                        BigDecimal.valueOf(now[t] - earlier[t]).multiply(tiers.get(t).unitAmount())));
            }
        }
        return drafts;
    }

    /**
     * I4: {@code overage} units rounded UP to whole packages, once, filling the tiers in order; a tier's
     * {@code upTo} counts overage units, converted to packages rounding up (no package is split).
     */
    private static long[] packagesPerTier(List<Tier> tiers, long overage, long packageSize) {
        long packages = overage <= 0 ? 0 : ceilDiv(overage, packageSize);
        long[] out = new long[tiers.size()];
        long filled = 0;
        for (int t = 0; t < tiers.size(); t++) {
            Tier tier = tiers.get(t);
            long bound = tier.upTo() == null ? Long.MAX_VALUE : ceilDiv(tier.upTo(), packageSize);
            long inTier = Math.max(0, Math.min(packages, bound) - filled);
            out[t] = inTier;
            filled += inTier;
        }
        if (filled < packages) {
            throw new IllegalStateException("usage exceeds the last bounded tier: the invoice must fail");
        }
        return out;
    }

    /**
     * I5, I6: one cost-plus line per model, cost × (1 + markup), with the per-model contract rates; {@code rate}
     * converts provider cost (only cost-plus amounts: Currencies rules 1 and 4) into the account's currency.
     */
    private static List<Draft> costPlus(List<Event> window, ContractSpec contract, BigDecimal rate, Instant from) {
        List<Draft> drafts = new ArrayList<>();
        Map<String, List<Event>> byModel = new TreeMap<>();
        window.forEach(e -> byModel.computeIfAbsent(e.model(), m -> new ArrayList<>()).add(e));
        byModel.forEach((model, events) -> {
            BigDecimal cost = events.stream().map(ReferenceModel::cost).reduce(BigDecimal.ZERO, BigDecimal::add);
            BigDecimal exact = cost.multiply(BigDecimal.ONE.add(LLM_MARKUP));
            boolean converted = false;
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
                converted = exact.signum() != 0;
            }
            if (exact.signum() != 0) {
                drafts.add(new Draft("llm_usage", model, from, exact, converted));
            }
        });
        return drafts;
    }

    private static Instant latest(Instant a, Instant b) {
        return a.isAfter(b) ? a : b;
    }

    private static Instant earliest(Instant a, Instant b) {
        return a.isBefore(b) ? a : b;
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
