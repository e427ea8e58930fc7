package io.accrue.invoice.correction;

import java.math.BigDecimal;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.persistence.LockModeType;

import io.accrue.invoice.InvoiceConfig;
import io.accrue.invoice.client.SubscriptionClient;
import io.accrue.invoice.client.SubscriptionRecords.SubscriptionEvent;
import io.accrue.invoice.compute.ComputedLine;
import io.accrue.invoice.compute.ComputedLine.LineType;
import io.accrue.invoice.compute.ContractTerms;
import io.accrue.invoice.compute.ContractTerms.MinimumSpend;
import io.accrue.invoice.compute.CorrectionEffect;
import io.accrue.invoice.compute.CreditNotes;
import io.accrue.invoice.compute.InvoiceCalculator;
import io.accrue.invoice.compute.InvoiceInput;
import io.accrue.invoice.compute.InvoiceInput.PlanSegment;
import io.accrue.invoice.compute.PlanTerms;
import io.accrue.invoice.compute.TimelineCorrection;
import io.accrue.invoice.invoices.Invoice;
import io.accrue.invoice.invoices.InvoiceCommands;
import io.accrue.invoice.invoices.InvoiceCommands.CreditLine;
import io.accrue.invoice.invoices.InvoiceCommands.CreditNoteRequest;
import io.accrue.invoice.invoices.InvoiceLine;
import io.accrue.invoice.invoices.InvoiceLineRepository;
import io.accrue.invoice.invoices.InvoiceRepository;
import io.accrue.invoice.minimum.MinimumSpendLedger;
import io.accrue.invoice.run.InputGatherer;
import io.accrue.invoice.run.Period;
import io.accrue.invoice.run.Timeline;
import io.accrue.invoice.run.Timeline.PlanRef;
import io.quarkus.narayana.jta.QuarkusTransaction;

/**
 * Corrects invoices whose period the subscription timeline changed after they were issued (billing-rules "Invoices"
 * rule 12a): a status change recorded late (a cancellation caught up by dunning, a late webhook) that is effective
 * inside an invoiced period. The period's base fee is recomputed from today's timeline; of what it no longer owes,
 * the part that the lower base fee adds to the minimum top-up of a settled minimum-spend window is kept
 * ({@link CorrectionEffect}), and the rest is given back by a credit note (the existing credit-note machinery,
 * {@link InvoiceCommands#creditNote}).
 *
 * <p>
 * Triggered by the billing run for each account after its close; reads its neighbours first, then one short
 * transaction per invoice that locks the invoice and credits only what the base fee still bills beyond what the
 * timeline owes (after every credit note so far), so reruns and concurrent runs issue each correction once.
 */
@ApplicationScoped
public class TimelineCorrections {

    private static final Instant BEGINNING = Instant.parse("2000-01-01T00:00:00Z");

    private record Candidate(UUID id, Instant start, Instant end, String currency, Instant createdAt,
            String contractId) {}

    private final InvoiceRepository invoices;
    private final InvoiceLineRepository lines;
    private final InvoiceCommands commands;
    private final TimelineCorrectionRepository corrections;
    private final SubscriptionClient subscriptionClient;
    private final InputGatherer inputs;
    private final InvoiceConfig config;
    private final Clock clock;
    private final MinimumSpendLedger minimumLedger;
    private final InvoiceCalculator calculator = new InvoiceCalculator();

    TimelineCorrections(InvoiceRepository invoices, InvoiceLineRepository lines, InvoiceCommands commands,
            TimelineCorrectionRepository corrections, SubscriptionClient subscriptionClient, InputGatherer inputs,
            MinimumSpendLedger minimumLedger, InvoiceConfig config, Clock clock) {
        this.minimumLedger = minimumLedger;
        this.invoices = invoices;
        this.lines = lines;
        this.commands = commands;
        this.corrections = corrections;
        this.subscriptionClient = subscriptionClient;
        this.inputs = inputs;
        this.config = config;
        this.clock = clock;
    }

    /** Issues the correcting credit notes due for one organisation's recent invoices; returns how many. */
    public int correct(String orgId) {
        List<Candidate> recent = QuarkusTransaction.requiringNew().call(() -> invoices
                .find("orgId = ?1 and kind = ?2 and status not in ('draft', 'void') order by periodEnd desc", orgId,
                        Invoice.KIND_INVOICE)
                .page(0, Math.max(1, config.lateUsageLookback())).list().stream()
                .map(i -> new Candidate(i.id, i.periodStart, i.periodEnd, i.currency, i.createdAt, i.contractId))
                .toList());
        if (recent.isEmpty()) {
            return 0;
        }
        Instant to = recent.get(0).end();
        List<SubscriptionEvent> raw = subscriptionClient.events(orgId, BEGINNING, to);
        List<Timeline.Event> events = InputGatherer.timeline(raw);
        Map<PlanRef, PlanTerms> plans = new HashMap<>();
        int issued = 0;
        for (Candidate c : recent) {
            List<SubscriptionEvent> late = raw.stream().filter(e -> e.toStatus() != null && e.occurredAt() != null
                    && e.occurredAt().isAfter(c.createdAt()) && InputGatherer.effective(e).isBefore(c.end()))
                    .toList();
            if (late.isEmpty()) {
                continue;
            }
            Period period = new Period(c.start(), c.end());
            List<PlanSegment> segments = new ArrayList<>();
            for (Timeline.Segment s : Timeline.segments(events, period, null)) {
                segments.add(new PlanSegment(s.from(), s.to(), inputs.plan(s.plan(), c.currency(), plans)));
            }
            BigDecimal owedNow = calculator.compute(new InvoiceInput(c.currency(), c.start(), c.end(), segments, null,
                    BigDecimal.ZERO, null, BigDecimal.ZERO, List.of())).lines().stream()
                    .filter(l -> l.type() == LineType.BASE_FEE).map(ComputedLine::amount)
                    .reduce(BigDecimal.ZERO, BigDecimal::add);
            String basis = String.join("; ",
                    late.stream().map(e -> (e.fromStatus() == null ? "" : e.fromStatus() + " → ")
                            + e.toStatus() + " effective " + InputGatherer.effective(e) + ", recorded "
                            + e.occurredAt())
                            .toList());
            // the minimums of the windows the invoice belongs to, read before the transaction like every input
            List<MinimumSpend> minimums = c.contractId() == null
                    ? List.of()
                    : inputs.contract(orgId, c.start()).or(() -> inputs.contract(orgId, c.end().minusMillis(1)))
                            .filter(t -> t.contractId().equals(c.contractId())).map(ContractTerms::minimums)
                            .orElse(List.of()).stream()
                            .filter(m -> !c.start().isBefore(m.windowStart()) && c.start().isBefore(m.windowEnd()))
                            .toList();
            issued += QuarkusTransaction.requiringNew()
                    .call(() -> apply(orgId, c.id(), c.contractId(), owedNow, minimums, basis));
        }
        return issued;
    }

    private int apply(String orgId, UUID invoiceId, String contractId, BigDecimal owedNow,
            List<MinimumSpend> minimums, String basis) {
        // one writer of an account's money at a time: closes (which read the window's spend) and corrections
        invoices.getEntityManager()
                .createNativeQuery("SELECT 1 FROM (SELECT pg_advisory_xact_lock(hashtext(?1))) AS locked")
                .setParameter(1, "accrue-close:" + orgId).getSingleResult();
        // the lock orders concurrent corrections (and manual credit notes): the sum read below is then current
        Invoice invoice = invoices.findById(invoiceId, LockModeType.PESSIMISTIC_WRITE);
        if (invoice == null || invoice.status.equals("void")) {
            return 0;
        }
        Map<Integer, BigDecimal> refunded = commands.alreadyCredited(invoiceId);
        List<CreditNotes.Original> baseFee = new ArrayList<>();
        for (InvoiceLine l : lines.ofInvoice(invoiceId)) {
            if (l.type.equals(LineType.BASE_FEE.wire())) {
                baseFee.add(new CreditNotes.Original(l.position, l.description, l.amount,
                        refunded.getOrDefault(l.position, BigDecimal.ZERO)));
            }
        }
        // what earlier corrections kept as top-ups is corrected too, though no credit note refunded it
        BigDecimal absorbed = corrections.absorbedOn(invoiceId);
        BigDecimal reduction = TimelineCorrection.credit(baseFee, owedNow.add(absorbed)).values().stream()
                .reduce(BigDecimal.ZERO, BigDecimal::add);
        if (reduction.signum() <= 0) {
            return 0;
        }
        // the whole effect: the lower base fee raises the top-up of every settled minimum window (rule 8a)
        List<CorrectionEffect.Window> windows = new ArrayList<>();
        for (MinimumSpend m : minimums) {
            windows.add(new CorrectionEffect.Window(m.period(), m.months(), m.amount(),
                    minimumLedger.spentBefore(orgId, contractId, m, m.windowEnd()),
                    minimumLedger.toppedUp(orgId, contractId, m), minimumLedger.settled(orgId, contractId, m)));
        }
        CorrectionEffect.Effect effect = CorrectionEffect.of(reduction, windows, invoice.currency);
        Map<Integer, BigDecimal> credit = TimelineCorrection.credit(baseFee,
                owedNow.add(absorbed).add(reduction.subtract(effect.credit())));
        String why = "timeline changed after invoicing: " + basis + effect.topUps().stream()
                .map(t -> "; " + t.amount().toPlainString() + " kept as " + t.period() + " minimum top-up")
                .collect(java.util.stream.Collectors.joining());
        UUID noteId = null;
        if (!credit.isEmpty()) {
            noteId = commands.creditNote(orgId, invoiceId.toString(), new CreditNoteRequest(
                    why.length() > 300 ? why.substring(0, 300) : why,
                    credit.entrySet().stream().map(e -> new CreditLine(e.getKey(), e.getValue())).toList())).id();
        }
        TimelineCorrectionEntry entry = new TimelineCorrectionEntry();
        entry.id = UUID.randomUUID();
        entry.orgId = orgId;
        entry.invoiceId = invoiceId;
        entry.creditNoteId = noteId;
        entry.amount = credit.values().stream().reduce(BigDecimal.ZERO, BigDecimal::add);
        entry.baseFeeReduction = reduction;
        entry.basis = why.length() > 500 ? why.substring(0, 500) : why;
        entry.createdAt = clock.instant();
        corrections.persist(entry);
        corrections.flush();
        for (CorrectionEffect.TopUp t : effect.topUps()) {
            MinimumSpend m = minimums.stream().filter(x -> x.period().equals(t.period())).findFirst().orElseThrow();
            corrections.recordTopUp(entry.id, t.period(), m.windowStart(), m.windowEnd(), t.amount());
        }
        return 1;
    }
}
