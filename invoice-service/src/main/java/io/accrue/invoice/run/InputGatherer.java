package io.accrue.invoice.run;

import java.math.BigDecimal;
import java.time.Instant;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.UnaryOperator;

import jakarta.enterprise.context.ApplicationScoped;

import io.accrue.invoice.client.ContractClient;
import io.accrue.invoice.client.ContractRecords;
import io.accrue.invoice.client.ContractRecords.Terms;
import io.accrue.invoice.client.MoneyValue;
import io.accrue.invoice.client.SubscriptionClient;
import io.accrue.invoice.client.SubscriptionRecords.Account;
import io.accrue.invoice.client.SubscriptionRecords.PlanVersion;
import io.accrue.invoice.client.SubscriptionRecords.Subscription;
import io.accrue.invoice.client.SubscriptionRecords.SubscriptionEvent;
import io.accrue.invoice.client.UsageClient;
import io.accrue.invoice.client.UsageRecords.ModelCounters;
import io.accrue.invoice.client.UsageRecords.Summary;
import io.accrue.invoice.compute.ContractTerms;
import io.accrue.invoice.compute.InvoiceInput.PlanSegment;
import io.accrue.invoice.compute.PlanTerms;
import io.accrue.invoice.compute.UsageTotals;
import io.accrue.invoice.fx.CostConversion;
import io.accrue.invoice.fx.ExchangeRateService;
import io.accrue.invoice.run.Timeline.PlanRef;

/** Reads what an invoice is computed from, from the neighbours, and maps it to the calculator's records. */
@ApplicationScoped
public class InputGatherer {

    private static final Instant BEGINNING = Instant.parse("2000-01-01T00:00:00Z");

    private final SubscriptionClient subscriptionClient;
    private final UsageClient usageClient;
    private final ContractClient contractClient;
    private final ExchangeRateService rates;

    InputGatherer(SubscriptionClient subscriptionClient, UsageClient usageClient, ContractClient contractClient,
            ExchangeRateService rates) {
        this.subscriptionClient = subscriptionClient;
        this.usageClient = usageClient;
        this.contractClient = contractClient;
        this.rates = rates;
    }

    public Account account(String orgId) {
        return subscriptionClient.account(orgId);
    }

    public Subscription subscription(String orgId) {
        return subscriptionClient.subscription(orgId);
    }

    /** Every period of the account that ended by {@code asOf}, oldest first (the billed-through ledger's list). */
    public List<Period> ended(Account account, Subscription s, Instant asOf, Instant billingSince) {
        String interval = s.plan() == null ? "month" : s.plan().interval();
        return DuePeriods.ended(asOf, s.currentPeriodStart(), s.currentPeriodEnd(), interval, zone(account),
                account.createdAt(), billingSince);
    }

    public List<Timeline.Event> events(String orgId, Instant to) {
        return timeline(subscriptionClient.events(orgId, BEGINNING, to));
    }

    /** subscription-service's events as the timeline reads them, in the order they came (effective, recorded). */
    public static List<Timeline.Event> timeline(List<SubscriptionEvent> events) {
        List<Timeline.Event> out = new ArrayList<>();
        for (SubscriptionEvent e : events) {
            out.add(new Timeline.Event(effective(e), e.planSlug(), e.planVersion(), e.toStatus(), e.currency()));
        }
        return out;
    }

    /** When an event counts for billing. */
    public static Instant effective(SubscriptionEvent e) {
        return e.effectiveAt() != null ? e.effectiveAt() : e.occurredAt();
    }

    /**
     * The plan segments of a period with the usage each one prices (billing-rules "Invoices" rule 3): one usage
     * read per usage window ({@link Timeline#usageWindows}), each a half-open range of usage-service's events by
     * occurred_at, recorded before {@code recordedBefore}.
     *
     * @param billed the plan as Accrue bills it for this account (e.g. without the tokens Stripe meters)
     */
    public List<PlanSegment> segmentsWithUsage(String orgId, List<Timeline.Event> events, Period period,
            PlanRef current, String currency, Instant recordedBefore, Map<PlanRef, PlanTerms> cache,
            UnaryOperator<PlanTerms> billed) {
        List<Timeline.Segment> segments = Timeline.segments(events, period, current);
        List<Timeline.Segment> windows = Timeline.usageWindows(segments, period);
        List<PlanSegment> out = new ArrayList<>();
        for (int i = 0; i < segments.size(); i++) {
            Timeline.Segment s = segments.get(i);
            Timeline.Segment w = windows.get(i);
            // every window's cost converts at the rate of the billing period (Currencies rule 3), not of the
            // window's own end: a plan change mid-period must neither change the rate nor need a rate of its day
            UsageTotals usage = usage(orgId, new Period(w.from(), w.to()), recordedBefore, currency, period.end());
            out.add(new PlanSegment(s.from(), s.to(), billed.apply(plan(s.plan(), currency, cache)), usage));
        }
        return out;
    }

    /**
     * How an amount of a closed period that billed in {@code from} converts into {@code to} (a currency switch lies
     * between): the rate recorded for that period (Currencies rule 3), or, when none is, the typed failure on use.
     */
    public CostConversion periodConversion(String from, String to, Instant periodEnd) {
        return rates.conversion(from, to, periodEnd);
    }

    /** Fetches each plan version once per account close. */
    public PlanTerms plan(PlanRef ref, String currency, Map<PlanRef, PlanTerms> cache) {
        // asked in the account's currency: the base price must be the one the account bills in
        return cache.computeIfAbsent(ref,
                r -> toTerms(subscriptionClient.plan(r.slug(), r.version(), currency), currency));
    }

    /** The usage of {@code period}, its provider cost converted at the rate of the billing period ending at {@code rateEnd}. */
    public UsageTotals usage(String orgId, Period period, Instant recordedBefore, String currency, Instant rateEnd) {
        Summary s = usageClient.usage(orgId, period.start(), period.end(), recordedBefore);
        if (s.totals() != null && s.totals().unpricedEvents() > 0) {
            // an unpriced event would be billed as free: wait until usage-service has priced it
            throw new CloseFailure(FailureCause.USAGE_NOT_PRICED,
                    s.totals().unpricedEvents() + " usage events are not priced yet");
        }
        var t = s.totals();
        return new UsageTotals(t == null ? 0 : t.totalTokens(), t == null ? 0 : t.requests(),
                t == null ? 0 : t.agentSessions(), t == null ? 0 : t.toolCalls(), t == null ? null : t.cost(),
                s.byModel() == null
                        ? List.of()
                        : s.byModel().stream().map(InputGatherer::modelUsage).toList(),
                // counts never depend on the cost's currency; a cost-plus line converts it at the period's rate
                rates.conversion(s.currency(), currency, rateEnd));
    }

    /**
     * A model's usage with what each dimension cost. The dimensions must add up to the model's cost exactly, or the
     * invoice would show a breakdown that is not what it charges: the close fails instead. A summary without them
     * (usage-service before issue 22) gives one dimension, {@code tokens}.
     */
    static UsageTotals.ModelUsage modelUsage(ModelCounters m) {
        BigDecimal cost = m.cost() == null ? BigDecimal.ZERO : m.cost();
        List<UsageTotals.DimensionUsage> dims = m.dimensions() == null || m.dimensions().isEmpty()
                ? (cost.signum() == 0
                        ? List.of()
                        : List.of(new UsageTotals.DimensionUsage("tokens", "tokens", m.totalTokens(), cost)))
                : m.dimensions().stream().map(d -> new UsageTotals.DimensionUsage(d.dimension(), d.kind(),
                        d.quantity(), d.cost() == null ? BigDecimal.ZERO : d.cost())).toList();
        BigDecimal sum = dims.stream().map(UsageTotals.DimensionUsage::cost).reduce(BigDecimal.ZERO, BigDecimal::add);
        if (sum.compareTo(cost) != 0) {
            throw new CloseFailure(FailureCause.INPUT_INVALID, "usage-service's dimensions of " + m.model() + " cost "
                    + sum.toPlainString() + ", not the model's " + cost.toPlainString());
        }
        return new UsageTotals.ModelUsage(m.model(), m.provider(), m.totalTokens(), cost, dims);
    }

    public Optional<ContractTerms> contract(String orgId, Instant at) {
        return contractClient.terms(orgId, at).map(InputGatherer::toTerms);
    }

    static ContractTerms toTerms(Terms t) {
        ContractTerms.Commitment commitment = null;
        if (t.commitment() != null && t.commitment().amount() != null && t.commitment().amount().amount() != null
                && t.commitment().periodStart() != null && t.commitment().periodEnd() != null) {
            commitment = new ContractTerms.Commitment(t.commitment().amount().amount(), t.commitment().periodStart(),
                    t.commitment().periodEnd());
        }
        List<ContractTerms.NegotiatedRate> rates = t.negotiatedRates() == null
                ? List.of()
                : t.negotiatedRates().stream()
                        .map(r -> new ContractTerms.NegotiatedRate(r.meter(), r.model(), r.kind(), r.value())).toList();
        MoneyValue credits = t.prepaidCreditBalance();
        List<ContractTerms.MinimumSpend> minimums = t.minimums() == null
                ? List.of()
                : t.minimums().stream().map(InputGatherer::toMinimum).toList();
        return new ContractTerms(t.contractId(), t.version(), t.currency(), commitment, rates,
                credits == null ? BigDecimal.ZERO : credits.amount(), minimums);
    }

    private static ContractTerms.MinimumSpend toMinimum(ContractRecords.Minimum m) {
        if (m.period() == null || m.amount() == null || m.amount().amount() == null || m.periodStart() == null
                || m.periodEnd() == null) {
            // a minimum the close cannot place would be billed as none: fail instead
            throw new IllegalStateException("contract-service sent a minimum without its amount or window: " + m);
        }
        return new ContractTerms.MinimumSpend(m.period(), m.amount().amount(), m.periodStart(), m.periodEnd(),
                BigDecimal.ZERO);
    }

    static PlanTerms toTerms(PlanVersion p, String accountCurrency) {
        MoneyValue base = p.basePrice();
        String currency = base != null && base.currency() != null ? base.currency() : accountCurrency;
        List<PlanTerms.OverageRule> rules = p.overage() == null
                ? List.of()
                : p.overage().stream()
                        .map(o -> new PlanTerms.OverageRule(o.meter(), o.packageSize() == null ? 1 : o.packageSize(),
                                o.tiers().stream().map(t -> new PlanTerms.Tier(t.upTo(), t.unitAmount())).toList()))
                        .toList();
        Map<String, Long> allowances = p.allowances() == null ? Map.of() : new HashMap<>(p.allowances());
        return new PlanTerms(p.slug(), p.version(), p.billingModel() == null ? "flat" : p.billingModel(), currency,
                base == null ? BigDecimal.ZERO : base.amount(), allowances, rules);
    }

    static ZoneId zone(Account account) {
        return account.timeZone() == null ? ZoneId.of("UTC") : ZoneId.of(account.timeZone());
    }
}
