package io.accrue.invoice.stripe;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.persistence.EntityManager;

import io.accrue.invoice.invoices.Invoice;
import io.accrue.invoice.invoices.InvoiceLineRepository;
import io.accrue.invoice.outbox.OutboxEntry;
import io.accrue.invoice.outbox.OutboxHandler;
import io.accrue.invoice.stripe.StripeInvoiceGateway.Item;
import io.accrue.invoice.stripe.StripeInvoiceGateway.PushInvoice;
import io.accrue.invoice.stripe.StripeInvoiceGateway.StripeRefused;

/**
 * Pushes a finalised organisation invoice to the platform's Stripe account: a draft invoice, one item per line, then
 * finalisation.
 *
 * <p>
 * Exactly once, whatever Stripe does. Each Stripe id is stored the moment Stripe answers (in a transaction of its
 * own), so a retry resumes where the last attempt stopped. A write that got no answer (timeout, broken connection) is
 * repeated with the same idempotency key, and Stripe answers what it did the first time. A write that got an error
 * answer is different: Stripe keeps that answer under the key for 24 hours, a 500 included, so repeating the key
 * cannot succeed. Such a failure bumps the invoice's key generation; the next attempt then first reads what exists on
 * Stripe (by the metadata every object carries) and writes only what is missing, under fresh keys. Generation 0 keys
 * are {@code accrue-invoice-<id>-invoice}, {@code -item-<position>} and {@code -finalize}; generation n appends
 * {@code -g<n>}.
 */
@ApplicationScoped
public class StripeInvoicePush implements OutboxHandler {

    private final EntityManager em;
    private final InvoiceLineRepository lines;
    private final StripeInvoiceGateway stripe;

    StripeInvoicePush(EntityManager em, InvoiceLineRepository lines, StripeInvoiceGateway stripe) {
        this.em = em;
        this.lines = lines;
        this.stripe = stripe;
    }

    @Override
    public String kind() {
        return OutboxEntry.STRIPE_INVOICE;
    }

    @Override
    public void deliver(OutboxEntry entry) {
        // read, never written here: the ids go in through store(), outside this transaction
        Invoice invoice = em.find(Invoice.class, entry.invoiceId);
        boolean reconcile = invoice.stripeKeyGeneration > 0;
        List<Item> items = lines.ofInvoice(invoice.id).stream()
                .map(l -> new Item(l.position, l.description, l.amount)).toList();
        PushInvoice push = new PushInvoice(invoice.id, invoice.number, invoice.stripeCustomerId, invoice.currency,
                items);

        String stripeInvoice = invoice.stripeInvoiceId;
        if (stripeInvoice == null) {
            Optional<String> existing = reconcile
                    ? stripe.findInvoice(invoice.stripeCustomerId, invoice.id)
                    : Optional.empty();
            stripeInvoice = existing.orElseGet(() -> stripe.createInvoice(push, key(entry, invoice, "invoice")));
            StripeProgress.store(em, "UPDATE invoices SET stripe_invoice_id = ?2 WHERE id = ?1", invoice.id,
                    stripeInvoice);
        }

        Map<Integer, String> added = storedItems(invoice);
        Map<Integer, String> onStripe = reconcile && added.size() < items.size()
                ? stripe.findItems(stripeInvoice)
                : Map.of();
        for (Item item : items) {
            if (added.containsKey(item.position())) {
                continue;
            }
            String draft = stripeInvoice;
            String id = Optional.ofNullable(onStripe.get(item.position())).orElseGet(() -> stripe.addItem(push, draft,
                    item, key(entry, invoice, "item-" + item.position())));
            StripeProgress.store(em,
                    "INSERT INTO stripe_invoice_items (invoice_id, position, stripe_item_id) VALUES (?1, ?2, ?3)",
                    invoice.id, item.position(), id);
        }

        // a finalize that Stripe did but whose answer was an error: finalising again would be refused
        if (!reconcile || "draft".equals(stripe.invoiceStatus(stripeInvoice))) {
            stripe.finalizeInvoice(stripeInvoice, key(entry, invoice, "finalize"));
        }
    }

    @Override
    public void failed(OutboxEntry entry, RuntimeException cause, boolean exhausted) {
        if (cause instanceof StripeRefused refused && refused.mayBeKeptUnderKey()) {
            // native: the invoice is versioned and a webhook may be moving its status meanwhile
            em.createNativeQuery("UPDATE invoices SET stripe_key_generation = stripe_key_generation + 1 WHERE id = ?1")
                    .setParameter(1, entry.invoiceId).executeUpdate();
        }
    }

    /** Deterministic: the same invoice, step and generation always give the same key. */
    static String key(OutboxEntry entry, Invoice invoice, String step) {
        return entry.idempotencyKey + "-" + step + StripeProgress.generation(invoice.stripeKeyGeneration);
    }

    @SuppressWarnings("unchecked")
    private Map<Integer, String> storedItems(Invoice invoice) {
        List<Object[]> rows = em.createNativeQuery(
                "SELECT position, stripe_item_id FROM stripe_invoice_items WHERE invoice_id = ?1")
                .setParameter(1, invoice.id).getResultList();
        Map<Integer, String> byPosition = new HashMap<>();
        rows.forEach(r -> byPosition.put(((Number) r[0]).intValue(), (String) r[1]));
        return byPosition;
    }
}
