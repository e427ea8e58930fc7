package io.accrue.invoice.enduser;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.util.HexFormat;
import java.util.Optional;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.persistence.EntityManager;

import io.accrue.invoice.compute.Rounding;
import io.accrue.invoice.outbox.OutboxEntry;
import io.accrue.invoice.outbox.OutboxHandler;
import io.accrue.invoice.stripe.StripeInvoiceGateway;
import io.accrue.invoice.stripe.StripeInvoiceGateway.ConnectInvoice;
import io.accrue.invoice.stripe.StripeInvoiceGateway.NewConnectInvoice;
import io.accrue.invoice.stripe.StripeInvoiceGateway.NewConnectItem;
import io.accrue.invoice.stripe.StripeInvoiceGateway.StripeRefused;
import io.accrue.invoice.stripe.StripeProgress;

/**
 * Pushes a {@code stripe_connect} end-user invoice to the organisation's connected account: the end user's customer
 * (found or created once), a draft invoice carrying the platform's application fee, one item, then finalisation.
 *
 * <p>
 * Exactly once, whatever Stripe does. Each Stripe id is stored the moment Stripe answers (in a transaction of its
 * own), so a retry resumes where the last attempt stopped. A write that got no answer (timeout, broken connection) is
 * repeated with the same idempotency key, and Stripe answers what it did the first time. A write that got an error
 * answer is different: Stripe keeps that answer under the key for 24 hours, a 500 included, so repeating the key
 * cannot succeed. Such a failure bumps the invoice's key generation; the next attempt then first reads what exists on
 * the account (by the metadata every object carries) and writes only what is missing, under fresh keys.
 */
@ApplicationScoped
public class ConnectDelivery implements OutboxHandler {

    private final EntityManager em;
    private final StripeInvoiceGateway stripe;
    private final ConnectCustomers customers;
    private final Clock clock;

    ConnectDelivery(EntityManager em, StripeInvoiceGateway stripe, ConnectCustomers customers, Clock clock) {
        this.em = em;
        this.stripe = stripe;
        this.customers = customers;
        this.clock = clock;
    }

    @Override
    public String kind() {
        return OutboxEntry.STRIPE_CONNECT_INVOICE;
    }

    @Override
    public void deliver(OutboxEntry entry) {
        EndUserInvoice invoice = em.find(EndUserInvoice.class, entry.endUserInvoiceId);
        if (invoice.status != EndUserInvoiceStatus.PENDING_DELIVERY) {
            return;
        }
        boolean reconcile = invoice.stripeKeyGeneration > 0;
        String account = invoice.connectedAccountId;
        String customer = customer(invoice, reconcile);

        String stripeInvoice = invoice.stripeInvoiceId;
        if (stripeInvoice == null) {
            Optional<ConnectInvoice> existing = reconcile
                    ? stripe.findConnectInvoice(account, customer, invoice.id)
                    : Optional.empty();
            stripeInvoice = existing.orElseGet(() -> stripe.createConnectInvoice(account, draft(invoice, customer),
                    key(invoice, "invoice"))).id();
            StripeProgress.store(em,
                    "UPDATE end_user_invoices SET stripe_customer_id = ?2, stripe_invoice_id = ?3 WHERE id = ?1",
                    invoice.id, customer, stripeInvoice);
        }

        String item = invoice.stripeInvoiceItemId;
        if (item == null) {
            String draftId = stripeInvoice;
            Optional<String> existing = reconcile
                    ? stripe.findConnectItem(account, draftId, invoice.id)
                    : Optional.empty();
            item = existing.orElseGet(() -> stripe.addConnectItem(account, item(invoice, customer, draftId),
                    key(invoice, "item")));
            StripeProgress.store(em, "UPDATE end_user_invoices SET stripe_invoice_item_id = ?2 WHERE id = ?1",
                    invoice.id, item);
        }

        ConnectInvoice sent = null;
        if (reconcile) {
            ConnectInvoice current = stripe.retrieveConnectInvoice(account, stripeInvoice);
            sent = "draft".equals(current.status()) ? null : current;
        }
        if (sent == null) {
            sent = stripe.finalizeConnectInvoice(account, stripeInvoice, key(invoice, "finalize"));
        }

        // in the outbox entry's transaction: sent and delivered commit together
        invoice.stripeCustomerId = customer;
        invoice.stripeInvoiceId = stripeInvoice;
        invoice.stripeInvoiceItemId = item;
        invoice.hostedInvoiceUrl = sent.hostedInvoiceUrl();
        invoice.status = EndUserInvoiceStatus.SENT;
        invoice.sentAt = clock.instant();
        invoice.deliveryAttempts++;
        invoice.lastDeliveryError = null;
    }

    @Override
    public void failed(OutboxEntry entry, RuntimeException cause, boolean exhausted) {
        EndUserInvoice invoice = em.find(EndUserInvoice.class, entry.endUserInvoiceId);
        invoice.deliveryAttempts++;
        invoice.lastDeliveryError = entry.lastError;
        if (cause instanceof StripeRefused refused && refused.mayBeKeptUnderKey()) {
            invoice.stripeKeyGeneration++;
        }
        if (exhausted) {
            invoice.status = EndUserInvoiceStatus.DELIVERY_FAILED;
        }
    }

    private String customer(EndUserInvoice invoice, boolean reconcile) {
        String account = invoice.connectedAccountId;
        Optional<String> stored = customers.stored(invoice.orgId, account, invoice.endUserId);
        if (stored.isPresent()) {
            return stored.get();
        }
        // Stripe's search lags writes by up to a minute; the outbox's backoff leaves it that time
        Optional<String> existing = reconcile
                ? stripe.findConnectCustomer(account, invoice.orgId, invoice.endUserId)
                : Optional.empty();
        String created = existing.orElseGet(() -> stripe.createConnectCustomer(account, invoice.orgId,
                invoice.endUserId, customerKey(invoice)));
        return customers.remember(invoice.orgId, account, invoice.endUserId, created, clock.instant());
    }

    private static NewConnectInvoice draft(EndUserInvoice invoice, String customer) {
        return new NewConnectInvoice(invoice.id, invoice.orgId, invoice.endUserId, customer, invoice.currency,
                Rounding.present(invoice.applicationFee, invoice.currency), invoice.daysUntilDue,
                "Usage from " + invoice.periodStart + " to " + invoice.periodEnd);
    }

    private static NewConnectItem item(EndUserInvoice invoice, String customer, String stripeInvoice) {
        return new NewConnectItem(invoice.id, customer, stripeInvoice, invoice.currency,
                Rounding.present(invoice.amount, invoice.currency),
                "AI usage: " + invoice.totalTokens + " tokens, " + invoice.requests + " requests",
                invoice.periodStart, invoice.periodEnd);
    }

    /** Deterministic: the same invoice, step and generation always give the same key. */
    static String key(EndUserInvoice invoice, String step) {
        return "accrue-eui-" + invoice.id + "-" + step + StripeProgress.generation(invoice.stripeKeyGeneration);
    }

    /**
     * One customer per (organisation, connected account, end user), whichever of its invoices gets there first: the
     * key names the three (hashed, as an end-user id may be long), not the invoice.
     */
    static String customerKey(EndUserInvoice invoice) {
        return "accrue-connect-customer-"
                + sha256(invoice.orgId + "\n" + invoice.connectedAccountId + "\n" + invoice.endUserId)
                + StripeProgress.generation(invoice.stripeKeyGeneration);
    }

    private static String sha256(String value) {
        try {
            return HexFormat.of().formatHex(
                    MessageDigest.getInstance("SHA-256").digest(value.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
