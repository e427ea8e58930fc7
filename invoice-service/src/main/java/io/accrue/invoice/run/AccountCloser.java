package io.accrue.invoice.run;

import java.math.BigDecimal;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.transaction.Transactional;

import io.accrue.invoice.InvoiceConfig;
import io.accrue.invoice.client.SubscriptionRecords.Account;
import io.accrue.invoice.client.SubscriptionRecords.Subscription;
import io.accrue.invoice.compute.ComputedInvoice;
import io.accrue.invoice.compute.ComputedLine;
import io.accrue.invoice.compute.ContractTerms;
import io.accrue.invoice.compute.InvoiceCalculator;
import io.accrue.invoice.compute.InvoiceInput;
import io.accrue.invoice.compute.InvoiceInput.LateUsage;
import io.accrue.invoice.compute.InvoiceInput.PlanSegment;
import io.accrue.invoice.compute.PlanTerms;
import io.accrue.invoice.compute.UsageTotals;
import io.accrue.invoice.invoices.BillingPeriod;
import io.accrue.invoice.invoices.BillingPeriodRepository;
import io.accrue.invoice.invoices.Invoice;
import io.accrue.invoice.invoices.InvoiceLifecycle;
import io.accrue.invoice.invoices.InvoiceLine;
import io.accrue.invoice.invoices.InvoiceLineRepository;
import io.accrue.invoice.invoices.InvoiceRepository;
import io.accrue.invoice.minimum.MinimumSpendLedger;
import io.accrue.invoice.outbox.OutboxEntry;
import io.accrue.invoice.outbox.OutboxRepository;
import io.accrue.invoice.run.Timeline.PlanRef;

/**
 * Closes the due period of one account: gathers inputs, computes, persists and finalises the invoice, records
 * the closed period and queues the side effects, all in the caller's transaction. If the period already has an
 * invoice (an earlier run, a crash after commit) it does nothing.
 */
@ApplicationScoped
public class AccountCloser {

    public record Outcome(String outcome, UUID invoiceId) {}

    private final InputGatherer inputs;
    private final InvoiceRepository invoices;
    private final InvoiceLineRepository lines;
    private final BillingPeriodRepository periods;
    private final InvoiceLifecycle lifecycle;
    private final OutboxRepository outbox;
    private final InvoiceConfig config;
    private final Clock clock;
    private final MinimumSpendLedger minimums;
    private final InvoiceCalculator calculator = new InvoiceCalculator();

    AccountCloser(InputGatherer inputs, InvoiceRepository invoices, InvoiceLineRepository lines,
            BillingPeriodRepository periods, InvoiceLifecycle lifecycle, OutboxRepository outbox, InvoiceConfig config,
            Clock clock, MinimumSpendLedger minimums) {
        this.minimums = minimums;
        this.inputs = inputs;
        this.invoices = invoices;
        this.lines = lines;
        this.periods = periods;
        this.lifecycle = lifecycle;
        this.outbox = outbox;
        this.config = config;
        this.clock = clock;
    }

    /** The plan as Accrue bills it: without the tokens Stripe meters for accounts in metered billing mode. */
    private static PlanTerms billed(PlanTerms plan, Subscription subscription) {
        return subscription.tokensMeteredByStripe() ? plan.withoutTokenCharges() : plan;
    }

    @Transactional(Transactional.TxType.MANDATORY)
    public Outcome close(String orgId, Instant asOf) {
        Account account = inputs.account(orgId);
        Subscription subscription = inputs.subscription(orgId);
        Optional<Period> due = inputs.due(account, subscription, asOf);
        if (due.isEmpty()) {
            return new Outcome("nothing_due", null);
        }
        Period period = due.get();
        Optional<Invoice> existing = invoices.findForPeriod(orgId, period.start(), period.end());
        if (existing.isPresent()) {
            return new Outcome("already_invoiced", existing.get().id);
        }
        Instant now = clock.instant();
        String currency = account.currency();
        Map<PlanRef, PlanTerms> plans = new HashMap<>();
        List<Timeline.Event> events = inputs.events(orgId, period.end());
        PlanRef current = subscription.plan() == null
                ? null
                : new PlanRef(subscription.plan().slug(), subscription.plan().version());

        List<PlanSegment> segments = new ArrayList<>();
        for (Timeline.Segment s : Timeline.segments(events, period, current)) {
            segments.add(
                    new PlanSegment(s.from(), s.to(), billed(inputs.plan(s.plan(), currency, plans), subscription)));
        }
        UsageTotals usage = inputs.usage(orgId, period, now, currency);
        // the contract in effect when the period starts; one signed during the period applies from its own start,
        // so it is read at the period's last instant when none was in effect at the start
        ContractTerms contract = minimums.fill(orgId, inputs.contract(orgId, period.start())
                .or(() -> inputs.contract(orgId, period.end().minusMillis(1))).orElse(null), period.start());

        List<LateUsage> late = new ArrayList<>();
        List<BillingPeriod> lateTouched = new ArrayList<>();
        for (BillingPeriod closed : periods.closedBefore(orgId, period.start(), config.lateUsageLookback())) {
            Period old = new Period(closed.periodStart, closed.periodEnd);
            List<Timeline.Segment> oldSegments = Timeline.segments(events, old, current);
            if (oldSegments.isEmpty() || closed.usageRecordedBefore == null) {
                continue;
            }
            UsageTotals billed = inputs.usage(orgId, old, closed.usageRecordedBefore, currency);
            UsageTotals nowTotals = inputs.usage(orgId, old, now, currency);
            if (!billed.equals(nowTotals)) {
                PlanTerms oldPlan = billed(inputs.plan(oldSegments.get(oldSegments.size() - 1).plan(), currency, plans),
                        subscription);
                late.add(new LateUsage(old.start(), old.end(), oldPlan, billed, nowTotals));
                lateTouched.add(closed);
            }
        }

        BigDecimal drawnBefore = contract == null || contract.commitment() == null
                ? BigDecimal.ZERO
                : invoices.drawnFromCommitment(orgId, contract.contractId(), contract.commitment().periodStart(),
                        period.start());
        ComputedInvoice computed = calculator.compute(new InvoiceInput(currency, period.start(), period.end(),
                segments, usage, config.llmMarkup(), contract, drawnBefore, late));

        Invoice invoice = persist(orgId, period, computed, contract, now);
        BillingPeriod closed = new BillingPeriod();
        closed.id = UUID.randomUUID();
        closed.orgId = orgId;
        closed.periodStart = period.start();
        closed.periodEnd = period.end();
        closed.closedAt = now;
        closed.invoiceId = invoice.id;
        closed.usageRecordedBefore = now;
        periods.persist(closed);
        lateTouched.forEach(p -> p.usageRecordedBefore = now);

        boolean onStripe = account.stripeCustomerId() != null && !account.stripeCustomerId().isBlank();
        invoice.stripeCustomerId = onStripe ? account.stripeCustomerId() : null;
        lifecycle.finalise(invoice, onStripe);
        if (contract != null
                && (computed.commitmentDrawdown().signum() != 0 || computed.creditsApplied().signum() != 0)) {
            outbox.enqueue(OutboxEntry.CONTRACT_DRAWDOWN, invoice.id, "accrue-drawdown-" + invoice.id, now);
        }
        invoices.flush();
        return new Outcome("invoiced", invoice.id);
    }

    private Invoice persist(String orgId, Period period, ComputedInvoice computed, ContractTerms contract,
            Instant now) {
        Invoice invoice = new Invoice();
        invoice.id = UUID.randomUUID();
        invoice.orgId = orgId;
        invoice.kind = Invoice.KIND_INVOICE;
        invoice.status = "draft";
        invoice.series = InvoiceLifecycle.SERIES_INVOICE;
        invoice.periodStart = period.start();
        invoice.periodEnd = period.end();
        invoice.currency = computed.currency();
        invoice.subtotal = computed.subtotal();
        invoice.total = computed.total();
        invoice.lineCount = computed.lines().size();
        invoice.contractId = contract == null ? null : contract.contractId();
        invoice.commitmentDrawdown = computed.commitmentDrawdown();
        invoice.creditsApplied = computed.creditsApplied();
        invoice.createdAt = now;
        invoice.statusChangedAt = now;
        invoices.persist(invoice);
        // the unique index on (org, period) refuses a concurrent twin here, before any line is written
        invoices.flush();
        int position = 1;
        for (ComputedLine l : computed.lines()) {
            lines.persist(line(invoice.id, position++, l));
        }
        return invoice;
    }

    static InvoiceLine line(UUID invoiceId, int position, ComputedLine l) {
        InvoiceLine line = new InvoiceLine();
        line.id = UUID.randomUUID();
        line.invoiceId = invoiceId;
        line.position = position;
        line.type = l.type().wire();
        line.description = l.description().length() > 500 ? l.description().substring(0, 500) : l.description();
        line.meter = l.meter();
        line.model = l.model();
        line.quantity = l.quantity();
        line.unitAmount = l.unitAmount();
        line.amount = l.amount();
        line.periodStart = l.periodStart();
        line.periodEnd = l.periodEnd();
        if (l.fx() != null) {
            line.fxFromCurrency = l.fx().rate().from();
            line.fxOriginalAmount = l.fx().original() == null
                    ? null
                    : l.fx().original().setScale(12, java.math.RoundingMode.HALF_UP);
            line.fxRate = l.fx().rate().rate();
            line.fxRateDate = l.fx().rate().date();
            line.fxSource = l.fx().rate().source();
        }
        return line;
    }
}
