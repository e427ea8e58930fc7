package io.accrue.invoice.invoices;

import java.math.BigDecimal;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.transaction.Transactional;
import jakarta.validation.Valid;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotEmpty;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Positive;
import jakarta.validation.constraints.Size;

import io.accrue.common.error.ApiException;
import io.accrue.invoice.compute.ComputedLine;
import io.accrue.invoice.compute.CreditNotes;
import io.accrue.invoice.invoices.InvoiceViews.InvoiceDetail;
import io.accrue.invoice.outbox.OutboxEntry;
import io.accrue.invoice.outbox.OutboxRepository;

/** Changes to finalised invoices: manual status moves (outside Stripe) and credit notes. Amounts never change. */
@ApplicationScoped
public class InvoiceCommands {

    public record StatusChange(@NotBlank @Size(max = 32) String status) {}

    public record CreditLine(@NotNull @Positive Integer position, @Positive BigDecimal amount) {}

    public record CreditNoteRequest(@NotBlank @Size(max = 300) String reason,
            @NotEmpty @Size(max = 500) List<@Valid @NotNull CreditLine> lines) {}

    private final InvoiceQueryService queries;
    private final InvoiceRepository invoices;
    private final InvoiceLineRepository lines;
    private final InvoiceLifecycle lifecycle;
    private final OutboxRepository outbox;
    private final Clock clock;

    InvoiceCommands(InvoiceQueryService queries, InvoiceRepository invoices, InvoiceLineRepository lines,
            InvoiceLifecycle lifecycle, OutboxRepository outbox, Clock clock) {
        this.outbox = outbox;
        this.queries = queries;
        this.invoices = invoices;
        this.lines = lines;
        this.lifecycle = lifecycle;
        this.clock = clock;
    }

    /** For invoices not collected through Stripe (Stripe's webhook moves the others). */
    @Transactional
    public InvoiceDetail changeStatus(String orgId, String invoiceId, StatusChange change) {
        Invoice invoice = queries.find(orgId, invoiceId);
        InvoiceStatus target = InvoiceStatus.parse(change.status());
        if (invoice.stripeCustomerId != null) {
            throw ApiException.conflict("invoice_managed_by_stripe",
                    "This invoice is collected through Stripe; its status follows Stripe's events.");
        }
        if (target == InvoiceStatus.DRAFT || target == InvoiceStatus.OPEN && invoice.status != InvoiceStatus.DRAFT) {
            throw ApiException.conflict("invoice_status_conflict",
                    "An invoice in status " + invoice.status.wire() + " cannot become " + target.wire() + ".");
        }
        lifecycle.move(invoice, target);
        return InvoiceDetail.of(invoice, lines.ofInvoice(invoice.id));
    }

    @Transactional
    public InvoiceDetail creditNote(String orgId, String invoiceId, CreditNoteRequest request) {
        Invoice original = queries.find(orgId, invoiceId);
        // a supplementary invoice is credited like any invoice (billing-rules 12a: a later change takes its increase
        // back); only a credit note cannot itself be credited
        if (original.kind.equals(Invoice.KIND_CREDIT_NOTE)) {
            throw ApiException.conflict("invoice_status_conflict", "A credit note cannot itself be credited.");
        }
        if (original.status == InvoiceStatus.DRAFT || original.status == InvoiceStatus.VOID) {
            throw ApiException.conflict("invoice_status_conflict",
                    "Only a finalised, not voided invoice can be credited.");
        }
        // lock the original so two concurrent credit notes cannot both refund the same remainder
        invoices.getEntityManager().lock(original, jakarta.persistence.LockModeType.PESSIMISTIC_WRITE);
        Map<Integer, BigDecimal> already = alreadyCredited(original.id);
        List<InvoiceLine> originalLines = lines.ofInvoice(original.id);
        List<CreditNotes.Original> originals = originalLines.stream()
                .map(l -> new CreditNotes.Original(l.position, l.description, l.amount,
                        already.getOrDefault(l.position, BigDecimal.ZERO)))
                .toList();
        Map<Integer, BigDecimal> requested = new LinkedHashMap<>();
        for (CreditLine l : request.lines()) {
            if (requested.containsKey(l.position())) {
                throw ApiException.unprocessable("credit_note_invalid", "line " + l.position() + " is named twice.");
            }
            requested.put(l.position(), l.amount());
        }
        List<ComputedLine> computed;
        try {
            computed = CreditNotes.credit(originals, requested, original.currency, original.periodStart,
                    original.periodEnd);
        } catch (IllegalArgumentException e) {
            throw ApiException.unprocessable("credit_note_invalid", e.getMessage());
        }
        // over all credit notes, money refunded ≤ the invoice's total and credits returned ≤ the credits it applied
        BigDecimal credited = computed.stream().map(ComputedLine::amount).reduce(BigDecimal.ZERO, BigDecimal::add)
                .negate();
        BigDecimal[] earlier = earlierNotes(original.id);
        CreditNotes.Split split;
        try {
            split = CreditNotes.split(credited, original.total.subtract(earlier[0]),
                    original.creditsApplied.subtract(earlier[1]));
        } catch (IllegalArgumentException e) {
            throw ApiException.unprocessable("credit_note_invalid", e.getMessage());
        }
        // the usage it credits gives the commitment back what it consumed (never more than the invoice drew down)
        Map<Integer, String> types = new HashMap<>();
        originalLines.forEach(l -> types.put(l.position, l.type));
        BigDecimal consumption = CreditNotes.consumptionReturned(types, requested.keySet().stream().toList(),
                computed, original.commitmentDrawdown.subtract(earlier[2]));
        if (split.credits().signum() > 0) {
            computed = new ArrayList<>(computed);
            computed.add(new ComputedLine(ComputedLine.LineType.CREDITS_RETURNED,
                    "Prepaid credits returned to the balance", null, null, BigDecimal.ONE, split.credits(),
                    split.credits(), original.periodStart, original.periodEnd));
        }
        Instant now = clock.instant();
        BigDecimal sum = computed.stream().map(ComputedLine::amount).reduce(BigDecimal.ZERO, BigDecimal::add);
        Invoice note = Invoice.correcting(original, Invoice.KIND_CREDIT_NOTE, InvoiceLifecycle.SERIES_CREDIT_NOTE, sum,
                computed.size(), now);
        boolean givesBack = split.credits().signum() > 0 || consumption.signum() > 0;
        note.contractId = givesBack ? original.contractId : null;
        note.creditsReturned = split.credits();
        note.commitmentReturned = consumption;
        invoices.persist(note);
        List<InvoiceLine> written = new ArrayList<>();
        List<Integer> positions = new ArrayList<>(requested.keySet());
        for (int i = 0; i < computed.size(); i++) {
            ComputedLine c = computed.get(i);
            InvoiceLine line = new InvoiceLine();
            line.id = UUID.randomUUID();
            line.invoiceId = note.id;
            line.position = i + 1;
            line.type = c.type().wire();
            line.description = (c.description() + " — " + request.reason().strip());
            if (line.description.length() > 500) {
                line.description = line.description.substring(0, 500);
            }
            line.quantity = c.quantity();
            line.unitAmount = c.unitAmount();
            line.amount = c.amount();
            line.periodStart = c.periodStart();
            line.periodEnd = c.periodEnd();
            line.creditsPosition = i < positions.size() ? positions.get(i) : null;
            lines.persist(line);
            written.add(line);
        }
        invoices.flush();
        // credit notes are numbered in their own gapless series; Stripe sync of credit notes is not built yet
        lifecycle.finalise(note, false);
        if (givesBack) {
            outbox.enqueue(OutboxEntry.CONTRACT_CREDIT_RETURN, note.id, "accrue-credit-return-" + note.id, now);
        }
        return InvoiceDetail.of(note, written);
    }

    /**
     * Money refunded (as a positive amount), credits returned and commitment consumption returned by the invoice's
     * earlier, not voided credit notes (not its supplementary invoices: those charge, they refund nothing).
     */
    private BigDecimal[] earlierNotes(UUID originalId) {
        Object[] row = invoices.getEntityManager().createQuery(
                "select coalesce(sum(n.total), 0), coalesce(sum(n.creditsReturned), 0),"
                        + " coalesce(sum(n.commitmentReturned), 0) from Invoice n"
                        + " where n.correctsInvoiceId = :o and n.kind = :note and n.status <> :void",
                Object[].class).setParameter("o", originalId).setParameter("note", Invoice.KIND_CREDIT_NOTE)
                .setParameter("void", InvoiceStatus.VOID)
                .getSingleResult();
        return new BigDecimal[]{((BigDecimal) row[0]).negate(), (BigDecimal) row[1], (BigDecimal) row[2]};
    }

    /** Per line position of an invoice, what its (not voided) credit notes have refunded so far. */
    public Map<Integer, BigDecimal> alreadyCredited(UUID originalId) {
        List<Object[]> rows = invoices.getEntityManager().createQuery(
                "select l.creditsPosition, sum(l.amount) from InvoiceLine l, Invoice n where l.invoiceId = n.id"
                        + " and l.creditsPosition is not null and n.correctsInvoiceId = :o and n.kind = :note"
                        + " and n.status <> :void group by l.creditsPosition",
                Object[].class)
                .setParameter("o", originalId).setParameter("note", Invoice.KIND_CREDIT_NOTE)
                .setParameter("void", InvoiceStatus.VOID).getResultList();
        Map<Integer, BigDecimal> out = new HashMap<>();
        rows.forEach(r -> out.put((Integer) r[0], ((BigDecimal) r[1]).negate()));
        return out;
    }
}
