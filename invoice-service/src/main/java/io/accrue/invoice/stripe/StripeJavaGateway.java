package io.accrue.invoice.stripe;

import java.math.BigDecimal;
import java.util.Comparator;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;

import com.stripe.StripeClient;
import com.stripe.exception.StripeException;
import com.stripe.model.Account;
import com.stripe.model.Customer;
import com.stripe.model.Invoice;
import com.stripe.model.InvoiceItem;
import com.stripe.net.RequestOptions;
import com.stripe.param.CustomerCreateParams;
import com.stripe.param.CustomerSearchParams;
import com.stripe.param.InvoiceCreateParams;
import com.stripe.param.InvoiceFinalizeInvoiceParams;
import com.stripe.param.InvoiceItemCreateParams;
import com.stripe.param.InvoiceItemListParams;
import com.stripe.param.InvoiceListParams;

import io.accrue.invoice.InvoiceConfig;
import io.accrue.invoice.compute.Rounding;

/** {@link StripeInvoiceGateway} on stripe-java; every write carries a deterministic idempotency key. */
@ApplicationScoped
public class StripeJavaGateway implements StripeInvoiceGateway {

    /** Metadata on Connect objects: how a retry recognises what an earlier, unanswered attempt created. */
    static final String ORG = "accrue_org_id";
    static final String END_USER = "accrue_end_user_id";
    static final String END_USER_INVOICE = "accrue_end_user_invoice_id";
    /** Metadata on organisation invoices and their items, read back when a push reconciles. */
    static final String INVOICE = "accrue_invoice_id";
    static final String LINE = "accrue_line";

    private final InvoiceConfig config;
    private volatile StripeClient client;

    StripeJavaGateway(InvoiceConfig config) {
        this.config = config;
    }

    @Override
    public Optional<String> findInvoice(String customerId, UUID accrueInvoiceId) {
        try {
            var page = client().v1().invoices().list(InvoiceListParams.builder().setCustomer(customerId)
                    .setLimit(100L).build());
            for (Invoice invoice : page.autoPagingIterable()) {
                if (invoice.getMetadata() != null
                        && accrueInvoiceId.toString().equals(invoice.getMetadata().get(INVOICE))) {
                    return Optional.of(invoice.getId());
                }
            }
            return Optional.empty();
        } catch (StripeException e) {
            throw failure("listing the customer's invoices", e);
        }
    }

    @Override
    public String createInvoice(PushInvoice invoice, String key) {
        try {
            return client().v1().invoices().create(InvoiceCreateParams.builder()
                    .setCustomer(invoice.customerId())
                    .setCurrency(invoice.currency().toLowerCase(Locale.ROOT))
                    .setAutoAdvance(false)
                    .setCollectionMethod(InvoiceCreateParams.CollectionMethod.CHARGE_AUTOMATICALLY)
                    .setPendingInvoiceItemsBehavior(InvoiceCreateParams.PendingInvoiceItemsBehavior.EXCLUDE)
                    .setDescription("Accrue invoice " + invoice.number())
                    .putMetadata(INVOICE, invoice.accrueInvoiceId().toString())
                    .putMetadata("accrue_invoice_number", invoice.number())
                    .build(), options(key)).getId();
        } catch (StripeException e) {
            throw failure("creating the invoice", e);
        }
    }

    @Override
    public Map<Integer, String> findItems(String stripeInvoiceId) {
        try {
            var page = client().v1().invoiceItems().list(InvoiceItemListParams.builder().setInvoice(stripeInvoiceId)
                    .setLimit(100L).build());
            Map<Integer, String> byLine = new HashMap<>();
            for (InvoiceItem item : page.autoPagingIterable()) {
                String line = item.getMetadata() == null ? null : item.getMetadata().get(LINE);
                if (line != null && line.matches("\\d{1,9}")) {
                    byLine.putIfAbsent(Integer.valueOf(line), item.getId());
                }
            }
            return byLine;
        } catch (StripeException e) {
            throw failure("listing the items of invoice " + stripeInvoiceId, e);
        }
    }

    @Override
    public String addItem(PushInvoice invoice, String stripeInvoiceId, Item item, String key) {
        try {
            return client().v1().invoiceItems().create(InvoiceItemCreateParams.builder()
                    .setCustomer(invoice.customerId())
                    .setInvoice(stripeInvoiceId)
                    .setCurrency(invoice.currency().toLowerCase(Locale.ROOT))
                    .setAmount(minorUnits(item.amount(), invoice.currency()))
                    .setDescription(item.description())
                    .putMetadata(LINE, String.valueOf(item.position()))
                    .build(), options(key)).getId();
        } catch (StripeException e) {
            throw failure("adding the item of line " + item.position(), e);
        }
    }

    @Override
    public String invoiceStatus(String stripeInvoiceId) {
        try {
            return client().v1().invoices().retrieve(stripeInvoiceId).getStatus();
        } catch (StripeException e) {
            throw failure("reading invoice " + stripeInvoiceId, e);
        }
    }

    @Override
    public Optional<String> hostedInvoiceUrl(String stripeInvoiceId) {
        try {
            return Optional.ofNullable(client().v1().invoices().retrieve(stripeInvoiceId).getHostedInvoiceUrl());
        } catch (StripeException e) {
            throw failure("reading invoice " + stripeInvoiceId, e);
        }
    }

    @Override
    public void finalizeInvoice(String stripeInvoiceId, String key) {
        try {
            client().v1().invoices().finalizeInvoice(stripeInvoiceId,
                    InvoiceFinalizeInvoiceParams.builder().setAutoAdvance(true).build(), options(key));
        } catch (StripeException e) {
            throw failure("finalising invoice " + stripeInvoiceId, e);
        }
    }

    @Override
    public ConnectedAccount connectedAccount(String accountId) {
        try {
            Account account = client().v1().accounts().retrieve(accountId);
            return new ConnectedAccount(account.getId(), Boolean.TRUE.equals(account.getChargesEnabled()));
        } catch (StripeException e) {
            throw failure("reading connected account " + accountId, e);
        }
    }

    @Override
    public Optional<String> findConnectCustomer(String accountId, String orgId, String endUserId) {
        try {
            var found = client().v1().customers().search(CustomerSearchParams.builder()
                    .setQuery("metadata['" + ORG + "']:" + quoted(orgId) + " AND metadata['" + END_USER + "']:"
                            + quoted(endUserId))
                    .setLimit(100L).build(), on(accountId));
            // two customers can only exist after a lost answer; the oldest is the one invoices already name
            return found.getData().stream()
                    .filter(c -> c.getMetadata() != null && orgId.equals(c.getMetadata().get(ORG))
                            && endUserId.equals(c.getMetadata().get(END_USER)))
                    .min(Comparator.comparing(Customer::getCreated, Comparator.nullsLast(Comparator.naturalOrder()))
                            .thenComparing(Customer::getId))
                    .map(Customer::getId);
        } catch (StripeException e) {
            throw failure("searching the end user's customer", e);
        }
    }

    @Override
    public String createConnectCustomer(String accountId, String orgId, String endUserId, String key) {
        try {
            return client().v1().customers().create(CustomerCreateParams.builder()
                    .setName(endUserId)
                    .setDescription("End user " + endUserId + " (billed through Accrue)")
                    .putMetadata(ORG, orgId)
                    .putMetadata(END_USER, endUserId)
                    .build(), on(accountId, key)).getId();
        } catch (StripeException e) {
            throw failure("creating the end user's customer", e);
        }
    }

    @Override
    public Optional<ConnectInvoice> findConnectInvoice(String accountId, String customerId, UUID endUserInvoiceId) {
        try {
            var page = client().v1().invoices().list(InvoiceListParams.builder().setCustomer(customerId)
                    .setLimit(100L).build(), on(accountId));
            for (Invoice invoice : page.autoPagingIterable()) {
                if (endUserInvoiceId.toString().equals(metadata(invoice.getMetadata()))) {
                    return Optional.of(connectInvoice(invoice));
                }
            }
            return Optional.empty();
        } catch (StripeException e) {
            throw failure("listing the customer's invoices", e);
        }
    }

    @Override
    public ConnectInvoice createConnectInvoice(String accountId, NewConnectInvoice invoice, String key) {
        var params = InvoiceCreateParams.builder()
                .setCustomer(invoice.customerId())
                .setCurrency(invoice.currency().toLowerCase(Locale.ROOT))
                // a draft until finalised below: Stripe would otherwise finalise it on its own after an hour
                .setAutoAdvance(false)
                .setCollectionMethod(InvoiceCreateParams.CollectionMethod.SEND_INVOICE)
                .setDaysUntilDue((long) invoice.daysUntilDue())
                .setPendingInvoiceItemsBehavior(InvoiceCreateParams.PendingInvoiceItemsBehavior.EXCLUDE)
                .setDescription(invoice.description())
                .putMetadata(END_USER_INVOICE, invoice.endUserInvoiceId().toString())
                .putMetadata(ORG, invoice.orgId())
                .putMetadata(END_USER, invoice.endUserId());
        long fee = minorUnits(invoice.applicationFee(), invoice.currency());
        if (fee > 0) {
            params.setApplicationFeeAmount(fee);
        }
        try {
            return connectInvoice(client().v1().invoices().create(params.build(), on(accountId, key)));
        } catch (StripeException e) {
            throw failure("creating the invoice", e);
        }
    }

    @Override
    public Optional<String> findConnectItem(String accountId, String invoiceId, UUID endUserInvoiceId) {
        try {
            var page = client().v1().invoiceItems().list(InvoiceItemListParams.builder().setInvoice(invoiceId)
                    .setLimit(100L).build(), on(accountId));
            for (InvoiceItem item : page.autoPagingIterable()) {
                if (endUserInvoiceId.toString().equals(metadata(item.getMetadata()))) {
                    return Optional.of(item.getId());
                }
            }
            return Optional.empty();
        } catch (StripeException e) {
            throw failure("listing the invoice's items", e);
        }
    }

    @Override
    public String addConnectItem(String accountId, NewConnectItem item, String key) {
        try {
            return client().v1().invoiceItems().create(InvoiceItemCreateParams.builder()
                    .setCustomer(item.customerId())
                    .setInvoice(item.invoiceId())
                    .setCurrency(item.currency().toLowerCase(Locale.ROOT))
                    .setAmount(minorUnits(item.amount(), item.currency()))
                    .setDescription(item.description())
                    .setPeriod(InvoiceItemCreateParams.Period.builder()
                            .setStart(item.periodStart().getEpochSecond())
                            .setEnd(item.periodEnd().getEpochSecond()).build())
                    .putMetadata(END_USER_INVOICE, item.endUserInvoiceId().toString())
                    .build(), on(accountId, key)).getId();
        } catch (StripeException e) {
            throw failure("adding the invoice item", e);
        }
    }

    @Override
    public ConnectInvoice retrieveConnectInvoice(String accountId, String invoiceId) {
        try {
            return connectInvoice(client().v1().invoices().retrieve(invoiceId, on(accountId)));
        } catch (StripeException e) {
            throw failure("reading invoice " + invoiceId, e);
        }
    }

    @Override
    public ConnectInvoice finalizeConnectInvoice(String accountId, String invoiceId, String key) {
        try {
            return connectInvoice(client().v1().invoices().finalizeInvoice(invoiceId,
                    InvoiceFinalizeInvoiceParams.builder().setAutoAdvance(true).build(), on(accountId, key)));
        } catch (StripeException e) {
            throw failure("finalising invoice " + invoiceId, e);
        }
    }

    private static String metadata(java.util.Map<String, String> metadata) {
        return metadata == null ? null : metadata.get(END_USER_INVOICE);
    }

    private static ConnectInvoice connectInvoice(Invoice invoice) {
        return new ConnectInvoice(invoice.getId(), invoice.getStatus(), invoice.getHostedInvoiceUrl());
    }

    /** A value of Stripe's search query language: quoted, with quotes and backslashes escaped. */
    static String quoted(String value) {
        return "'" + value.replace("\\", "\\\\").replace("'", "\\'") + "'";
    }

    /**
     * An answer with a status may be kept by Stripe under the idempotency key; no answer (a timeout, a broken
     * connection) leaves the outcome unknown and the same key is the way to learn it.
     */
    private static StripeUnavailable failure(String what, StripeException e) {
        Integer status = e.getStatusCode();
        String message = e.getStripeError() != null && e.getStripeError().getMessage() != null
                ? e.getStripeError().getMessage()
                : Objects.toString(e.getMessage(), e.getClass().getSimpleName());
        if (status == null || status == 0) {
            return new StripeUnavailable("Stripe did not answer " + what + ": " + message, e);
        }
        String outcome = status >= 400 ? "Stripe refused " + what : "Stripe's answer to " + what + " was unreadable";
        return new StripeRefused(outcome + " (HTTP " + status + (e.getCode() == null ? "" : ", " + e.getCode()) + "): "
                + message, status, e.getCode(), e);
    }

    private static RequestOptions on(String accountId) {
        return RequestOptions.builder().setStripeAccount(accountId).build();
    }

    private static RequestOptions on(String accountId, String key) {
        return RequestOptions.builder().setStripeAccount(accountId).setIdempotencyKey(key).build();
    }

    /** Stripe's integer minor units; the amount is already rounded to the currency's minor unit. */
    static long minorUnits(BigDecimal amount, String currency) {
        return amount.movePointRight(Rounding.minorUnit(currency)).longValueExact();
    }

    private static RequestOptions options(String key) {
        return RequestOptions.builder().setIdempotencyKey(key).build();
    }

    private StripeClient client() {
        if (client == null) {
            String apiKey = config.stripe().apiKey().filter(k -> !k.isBlank())
                    .orElseThrow(() -> new StripeUnavailable("no Stripe API key configured", null));
            client = StripeClient.builder().setApiKey(apiKey).setApiBase(config.stripe().apiBase())
                    .setReadTimeout(Math.toIntExact(config.stripe().readTimeout().toMillis()))
                    .setConnectTimeout(5_000) // stripe-java's default is 30 s
                    .setConnectBase(config.stripe().apiBase()).setFilesBase(config.stripe().apiBase())
                    .setMeterEventsBase(config.stripe().apiBase()).build();
        }
        return client;
    }
}
