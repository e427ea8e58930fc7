package io.accrue.invoice.document;

import java.time.Instant;
import java.util.List;

import jakarta.enterprise.context.ApplicationScoped;

import org.jboss.logging.Logger;

import io.accrue.invoice.InvoiceConfig;
import io.accrue.invoice.client.SubscriptionClient;
import io.accrue.invoice.client.SubscriptionRecords;
import io.accrue.invoice.invoices.Invoice;
import io.accrue.invoice.invoices.InvoiceRepository;
import io.accrue.invoice.invoices.InvoiceViews.InvoiceDetail;
import io.accrue.invoice.stripe.StripeInvoiceGateway;

/**
 * Gathers what a finance team needs on the document besides the invoice itself: the seller (configuration), the
 * bill-to party (recorded on the invoice when it was issued, so later edits of the account change only later
 * invoices; read from subscription-service only for invoices issued before it was recorded), the invoice a credit note
 * corrects and the credit notes of an invoice (by number), the payment terms and due date, and Stripe's hosted
 * payment page while the invoice is open. A neighbour that cannot answer leaves its part out, with a note on the
 * document; it never blocks the download of an invoice that exists.
 */
@ApplicationScoped
public class InvoiceDocuments {

    private static final Logger LOG = Logger.getLogger(InvoiceDocuments.class);

    private final InvoiceRepository invoices;
    private final SubscriptionClient subscriptionClient;
    private final StripeInvoiceGateway stripe;
    private final InvoiceConfig config;

    InvoiceDocuments(InvoiceRepository invoices, SubscriptionClient subscriptionClient,
            StripeInvoiceGateway stripe, InvoiceConfig config) {
        this.invoices = invoices;
        this.subscriptionClient = subscriptionClient;
        this.stripe = stripe;
        this.config = config;
    }

    public byte[] pdf(InvoiceDetail invoice) {
        return InvoicePdf.render(invoice, issuer(), context(invoice));
    }

    InvoicePdf.Context context(InvoiceDetail invoice) {
        InvoicePdf.BillTo billTo = invoices.findInOrg(invoice.orgId(), invoice.id())
                .flatMap(i -> i.recordedBillTo())
                .map(b -> new InvoicePdf.BillTo(b.name(), invoice.orgId(), b.addressLines(), b.taxId(), true))
                .orElseGet(() -> billTo(invoice.orgId()));
        String corrects = invoice.correctsInvoiceId() == null
                ? null
                : invoices.findInOrg(invoice.orgId(), invoice.correctsInvoiceId()).map(i -> i.number).orElse(null);
        List<String> creditNotes = invoices.find("correctsInvoiceId = ?1 and orgId = ?2 and kind = ?3 order by number",
                invoice.id(), invoice.orgId(), Invoice.KIND_CREDIT_NOTE).list().stream().map(i -> i.number)
                .filter(n -> n != null).toList();
        boolean viaStripe = invoice.stripeInvoiceId() != null;
        // Accrue's invoices are collected by Stripe from the payment method on file as soon as they are issued
        // (charge_automatically): due on receipt. Invoices not sent to Stripe are settled by an operator.
        String terms = viaStripe
                ? "Due on receipt; charged automatically to the payment method on file."
                : "Due on receipt.";
        Instant due = invoice.issuedAt();
        String paymentUrl = "open".equals(invoice.status()) && viaStripe ? paymentUrl(invoice.stripeInvoiceId()) : null;
        return new InvoicePdf.Context(billTo, corrects, creditNotes, due, terms, paymentUrl);
    }

    private InvoicePdf.BillTo billTo(String orgId) {
        try {
            SubscriptionRecords.Account account = subscriptionClient.account(orgId);
            SubscriptionRecords.BillingDetails details = account.billingDetails();
            return new InvoicePdf.BillTo(details != null && details.legalName() != null
                    ? details.legalName()
                    : account.name(), orgId, details == null ? List.of() : details.addressLines(),
                    details == null ? null : details.taxId(), true);
        } catch (RuntimeException e) {
            LOG.warnf("invoice document of %s: the account could not be read (%s)", orgId, e.getMessage());
            return new InvoicePdf.BillTo(null, orgId, List.of(), null, false);
        }
    }

    private String paymentUrl(String stripeInvoiceId) {
        try {
            return stripe.hostedInvoiceUrl(stripeInvoiceId).orElse(null);
        } catch (RuntimeException e) {
            LOG.warnf("invoice document: Stripe invoice %s could not be read (%s)", stripeInvoiceId, e.getMessage());
            return null;
        }
    }

    private InvoicePdf.Issuer issuer() {
        return new InvoicePdf.Issuer(config.issuer().name(), config.issuer().address().orElse(null),
                config.issuer().taxId().orElse(null));
    }
}
