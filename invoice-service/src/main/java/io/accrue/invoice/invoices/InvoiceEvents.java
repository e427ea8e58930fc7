package io.accrue.invoice.invoices;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.transaction.Transactional;

import io.accrue.invoice.compute.Rounding;
import io.accrue.invoice.events.BillingEventOutbox;

/**
 * The billing events of an invoice's lifecycle (docs/webhooks.md), recorded in the transaction that changes the
 * invoice. Each id is derived from the invoice and the fact ({@code inv_<id>_finalized}), so the same fact recorded
 * again is no second event. A supplementary invoice is an invoice ({@code invoice.created} and
 * {@code invoice.finalized}, {@code kind} {@code supplementary}); a credit note is {@code credit_note.created}.
 */
@ApplicationScoped
public class InvoiceEvents {

    public static final String CREATED = "invoice.created";
    public static final String FINALIZED = "invoice.finalized";
    public static final String PAID = "invoice.paid";
    public static final String CREDIT_NOTE_CREATED = "credit_note.created";

    private final BillingEventOutbox outbox;

    InvoiceEvents(BillingEventOutbox outbox) {
        this.outbox = outbox;
    }

    /**
     * An invoice (or credit note) was written and finalised: it is written and finalised in one transaction, so
     * both events carry the number and the status it was issued with.
     */
    @Transactional(Transactional.TxType.MANDATORY)
    void issued(Invoice invoice) {
        if (Invoice.KIND_CREDIT_NOTE.equals(invoice.kind)) {
            Map<String, Object> data = snapshot(invoice);
            data.put("creditsReturned", money(invoice.creditsReturned, invoice));
            outbox.record(id("cn", invoice.id, "created"), invoice.orgId, CREDIT_NOTE_CREATED, invoice.issuedAt,
                    data);
            return;
        }
        outbox.record(id("inv", invoice.id, "created"), invoice.orgId, CREATED, invoice.createdAt,
                snapshot(invoice));
        outbox.record(id("inv", invoice.id, "finalized"), invoice.orgId, FINALIZED, invoice.finalisedAt,
                snapshot(invoice));
    }

    /** The invoice became paid (Stripe's event, an operator's status change, or a zero total at issue). */
    @Transactional(Transactional.TxType.MANDATORY)
    void paid(Invoice invoice) {
        if (Invoice.KIND_CREDIT_NOTE.equals(invoice.kind)) {
            return;
        }
        Map<String, Object> data = snapshot(invoice);
        data.put("paidAt", invoice.statusChangedAt.toString());
        outbox.record(id("inv", invoice.id, "paid"), invoice.orgId, PAID, invoice.statusChangedAt, data);
    }

    static String id(String prefix, UUID subject, String fact) {
        return prefix + "_" + subject.toString().replace("-", "") + "_" + fact;
    }

    private static Map<String, Object> snapshot(Invoice invoice) {
        Map<String, Object> data = new LinkedHashMap<>();
        data.put("orgId", invoice.orgId);
        data.put(Invoice.KIND_CREDIT_NOTE.equals(invoice.kind) ? "creditNoteId" : "invoiceId", invoice.id.toString());
        data.put("kind", invoice.kind);
        data.put("number", invoice.number);
        data.put("status", invoice.status.wire());
        data.put("correctsInvoiceId", invoice.correctsInvoiceId == null ? null : invoice.correctsInvoiceId.toString());
        data.put("periodStart", invoice.periodStart.toString());
        data.put("periodEnd", invoice.periodEnd.toString());
        data.put("currency", invoice.currency);
        data.put("subtotal", money(invoice.subtotal, invoice));
        data.put("total", money(invoice.total, invoice));
        data.put("issuedAt", invoice.issuedAt == null ? null : invoice.issuedAt.toString());
        return data;
    }

    private static String money(java.math.BigDecimal amount, Invoice invoice) {
        return amount == null ? null : Rounding.present(amount, invoice.currency).toPlainString();
    }
}
