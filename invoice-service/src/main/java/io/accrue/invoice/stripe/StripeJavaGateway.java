package io.accrue.invoice.stripe;

import java.math.BigDecimal;
import java.util.Locale;

import jakarta.enterprise.context.ApplicationScoped;

import com.stripe.StripeClient;
import com.stripe.exception.StripeException;
import com.stripe.model.Invoice;
import com.stripe.net.RequestOptions;
import com.stripe.param.InvoiceCreateParams;
import com.stripe.param.InvoiceFinalizeInvoiceParams;
import com.stripe.param.InvoiceItemCreateParams;

import io.accrue.invoice.InvoiceConfig;
import io.accrue.invoice.compute.Rounding;

/** {@link StripeInvoiceGateway} on stripe-java; every write carries a deterministic idempotency key. */
@ApplicationScoped
public class StripeJavaGateway implements StripeInvoiceGateway {

    private final InvoiceConfig config;
    private volatile StripeClient client;

    StripeJavaGateway(InvoiceConfig config) {
        this.config = config;
    }

    @Override
    public String push(PushInvoice invoice, String key) {
        StripeClient stripe = client();
        String currency = invoice.currency().toLowerCase(Locale.ROOT);
        try {
            Invoice created = stripe.v1().invoices().create(InvoiceCreateParams.builder()
                    .setCustomer(invoice.customerId())
                    .setCurrency(currency)
                    .setAutoAdvance(false)
                    .setCollectionMethod(InvoiceCreateParams.CollectionMethod.CHARGE_AUTOMATICALLY)
                    .setPendingInvoiceItemsBehavior(InvoiceCreateParams.PendingInvoiceItemsBehavior.EXCLUDE)
                    .setDescription("Accrue invoice " + invoice.number())
                    .putMetadata("accrue_invoice_id", invoice.accrueInvoiceId().toString())
                    .putMetadata("accrue_invoice_number", invoice.number())
                    .build(), options(key + "-invoice"));
            for (Item item : invoice.items()) {
                stripe.v1().invoiceItems().create(InvoiceItemCreateParams.builder()
                        .setCustomer(invoice.customerId())
                        .setInvoice(created.getId())
                        .setCurrency(currency)
                        .setAmount(minorUnits(item.amount(), invoice.currency()))
                        .setDescription(item.description())
                        .putMetadata("accrue_line", String.valueOf(item.position()))
                        .build(), options(key + "-item-" + item.position()));
            }
            Invoice finalised = stripe.v1().invoices().finalizeInvoice(created.getId(),
                    InvoiceFinalizeInvoiceParams.builder().setAutoAdvance(true).build(), options(key + "-finalize"));
            return finalised.getId();
        } catch (StripeException e) {
            throw new StripeUnavailable("Stripe refused the invoice push: " + e.getCode() + " " + e.getStatusCode(), e);
        }
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
                    .setConnectBase(config.stripe().apiBase()).setFilesBase(config.stripe().apiBase())
                    .setMeterEventsBase(config.stripe().apiBase()).build();
        }
        return client;
    }
}
