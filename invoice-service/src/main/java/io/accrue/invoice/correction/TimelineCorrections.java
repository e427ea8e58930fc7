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
import io.accrue.invoice.client.NeighbourClients;
import io.accrue.invoice.client.SubscriptionRecords.SubscriptionEvent;
import io.accrue.invoice.compute.ComputedLine;
import io.accrue.invoice.compute.ComputedLine.LineType;
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
import io.accrue.invoice.run.InputGatherer;
import io.accrue.invoice.run.Period;
import io.accrue.invoice.run.Timeline;
import io.accrue.invoice.run.Timeline.PlanRef;
import io.quarkus.narayana.jta.QuarkusTransaction;

/**
 * Corrects invoices whose period the subscription timeline changed after they were issued (billing-rules "Invoices"
 * rule 12a): a status change recorded late (a cancellation caught up by dunning, a late webhook) that is effective
 * inside an invoiced period. The period's base fee is recomputed from today's timeline and what it no longer owes is
 * given back by a credit note (the existing credit-note machinery, {@link InvoiceCommands#creditNote}).
 *
 * <p>
 * Triggered by the billing run for each account after its close; reads its neighbours first, then one short
 * transaction per invoice that locks the invoice and credits only what the base fee still bills beyond what the
 * timeline owes (after every credit note so far), so reruns and concurrent runs issue each correction once.
 */
@ApplicationScoped
public class TimelineCorrections {

    private static final Instant BEGINNING = Instant.parse("2000-01-01T00:00:00Z");

    private record Candidate(UUID id, Instant start, Instant end, String currency, Instant createdAt) {}

    private final InvoiceRepository invoices;
    private final InvoiceLineRepository lines;
    private final InvoiceCommands commands;
    private final TimelineCorrectionRepository corrections;
    private final NeighbourClients neighbours;
    private final InputGatherer inputs;
    private final InvoiceConfig config;
    private final Clock clock;
    private final InvoiceCalculator calculator = new InvoiceCalculator();

    TimelineCorrections(InvoiceRepository invoices, InvoiceLineRepository lines, InvoiceCommands commands,
            TimelineCorrectionRepository corrections, NeighbourClients neighbours, InputGatherer inputs,
            InvoiceConfig config, Clock clock) {
        this.invoices = invoices;
        this.lines = lines;
        this.commands = commands;
        this.corrections = corrections;
        this.neighbours = neighbours;
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
                .map(i -> new Candidate(i.id, i.periodStart, i.periodEnd, i.currency, i.createdAt)).toList());
        if (recent.isEmpty()) {
            return 0;
        }
        Instant to = recent.get(0).end();
        List<SubscriptionEvent> raw = neighbours.events(orgId, BEGINNING, to);
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
            issued += QuarkusTransaction.requiringNew().call(() -> apply(orgId, c.id(), owedNow, basis));
        }
        return issued;
    }

    private int apply(String orgId, UUID invoiceId, BigDecimal owedNow, String basis) {
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
        Map<Integer, BigDecimal> credit = TimelineCorrection.credit(baseFee, owedNow);
        if (credit.isEmpty()) {
            return 0;
        }
        String reason = "timeline changed after invoicing: " + basis;
        var note = commands.creditNote(orgId, invoiceId.toString(), new CreditNoteRequest(
                reason.length() > 300 ? reason.substring(0, 300) : reason,
                credit.entrySet().stream().map(e -> new CreditLine(e.getKey(), e.getValue())).toList()));
        TimelineCorrectionEntry entry = new TimelineCorrectionEntry();
        entry.id = UUID.randomUUID();
        entry.orgId = orgId;
        entry.invoiceId = invoiceId;
        entry.creditNoteId = note.id();
        entry.amount = credit.values().stream().reduce(BigDecimal.ZERO, BigDecimal::add);
        entry.basis = basis.length() > 500 ? basis.substring(0, 500) : basis;
        entry.createdAt = clock.instant();
        corrections.persist(entry);
        return 1;
    }
}
