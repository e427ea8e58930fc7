package io.accrue.invoice.invoices;

import java.time.Clock;
import java.time.Instant;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.transaction.Transactional;

import io.accrue.common.error.ApiException;
import io.accrue.invoice.numbering.InvoiceNumbering;
import io.accrue.invoice.outbox.OutboxEntry;
import io.accrue.invoice.outbox.OutboxRepository;

/**
 * draft → open → paid | void | uncollectible. Finalisation (leaving draft) assigns the gapless number in the
 * same transaction, records the invoice's billing events ({@link InvoiceEvents}) and queues the Stripe push;
 * afterwards amounts and lines never change. Every status move goes through {@link #move}, which records
 * {@code invoice.paid}.
 */
@ApplicationScoped
public class InvoiceLifecycle {

    public static final String SERIES_INVOICE = "INV";
    public static final String SERIES_CREDIT_NOTE = "CN";

    private final InvoiceNumbering numbering;
    private final OutboxRepository outbox;
    private final InvoiceEvents events;
    private final Clock clock;

    InvoiceLifecycle(InvoiceNumbering numbering, OutboxRepository outbox, InvoiceEvents events, Clock clock) {
        this.numbering = numbering;
        this.outbox = outbox;
        this.events = events;
        this.clock = clock;
    }

    @Transactional(Transactional.TxType.MANDATORY)
    public void finalise(Invoice invoice, boolean pushToStripe) {
        if (!invoice.status.mayMoveTo(InvoiceStatus.OPEN)) {
            throw ApiException.conflict("invoice_status_conflict", "Only a draft can be finalised.");
        }
        // the number first: its native UPDATE flushes the session, and an open invoice without a number
        // would break the invoices_numbered check
        String number = numbering.next(invoice.series);
        move(invoice, InvoiceStatus.OPEN);
        Instant now = clock.instant();
        invoice.number = number;
        invoice.finalisedAt = now;
        invoice.issuedAt = now;
        events.issued(invoice);
        if (SERIES_INVOICE.equals(invoice.series) && invoice.total != null && invoice.total.signum() == 0) {
            // nothing is owed (prepaid credits cover it, or nothing was billed): paid as issued, as Stripe pays a
            // zero invoice when it is finalised — an open 0.00 invoice would wait for a payment that never comes
            // and hold up what waits for settled invoices (a currency switch)
            move(invoice, InvoiceStatus.PAID);
        }
        if (pushToStripe) {
            outbox.enqueue(OutboxEntry.STRIPE_INVOICE, invoice.id, "accrue-invoice-" + invoice.id, now);
        }
    }

    /** Applies a lifecycle move, refusing one the state machine does not allow. */
    @Transactional(Transactional.TxType.MANDATORY)
    public void move(Invoice invoice, InvoiceStatus next) {
        InvoiceStatus current = invoice.status;
        if (current == next) {
            return;
        }
        if (!current.mayMoveTo(next)) {
            throw ApiException.conflict("invoice_status_conflict",
                    "An invoice in status " + current.wire() + " cannot become " + next.wire() + ".");
        }
        invoice.status = next;
        invoice.statusChangedAt = clock.instant();
        if (next == InvoiceStatus.PAID) {
            events.paid(invoice);
        }
    }
}
