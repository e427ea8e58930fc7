package io.accrue.invoice.stripe;

import java.time.Clock;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.persistence.EntityManager;
import jakarta.transaction.Transactional;

import org.jboss.logging.Logger;

import com.stripe.exception.SignatureVerificationException;
import com.stripe.model.Event;
import com.stripe.model.StripeObject;
import com.stripe.net.Webhook;

import io.accrue.common.error.ApiException;
import io.accrue.invoice.InvoiceConfig;
import io.accrue.invoice.invoices.Invoice;
import io.accrue.invoice.invoices.InvoiceRepository;
import io.accrue.invoice.invoices.InvoiceStatus;

/**
 * Applies Stripe invoice events to the lifecycle. Verified by signature (any of the configured secrets, for
 * rotations), de-duplicated by event id, and order-independent: an event whose move the state machine does not
 * allow (a late {@code invoice.voided} after {@code invoice.paid}) is recorded and ignored.
 */
@ApplicationScoped
public class StripeWebhookService {

    private static final Logger LOG = Logger.getLogger(StripeWebhookService.class);
    private static final long TOLERANCE_SECONDS = 300;

    private final InvoiceConfig config;
    private final InvoiceRepository invoices;
    private final EntityManager em;
    private final Clock clock;

    StripeWebhookService(InvoiceConfig config, InvoiceRepository invoices, EntityManager em, Clock clock) {
        this.config = config;
        this.invoices = invoices;
        this.em = em;
        this.clock = clock;
    }

    @Transactional
    public String receive(String payload, String signature) {
        Event event = verify(payload, signature);
        Optional<InvoiceStatus> target = switch (event.getType()) {
            case "invoice.paid", "invoice.payment_succeeded" -> Optional.of(InvoiceStatus.PAID);
            case "invoice.voided" -> Optional.of(InvoiceStatus.VOID);
            case "invoice.marked_uncollectible" -> Optional.of(InvoiceStatus.UNCOLLECTIBLE);
            default -> Optional.empty();
        };
        Optional<Invoice> invoice = event.getType().startsWith("invoice.") ? invoiceOf(event) : Optional.empty();
        String outcome;
        if (target.isEmpty()) {
            outcome = "ignored";
        } else if (invoice.isEmpty()) {
            outcome = "unknown_invoice";
        } else {
            InvoiceStatus current = InvoiceStatus.parse(invoice.get().status);
            if (current == target.get()) {
                outcome = "unchanged";
            } else if (current.mayMoveTo(target.get())) {
                outcome = "applied";
            } else {
                outcome = "ignored_transition";
            }
        }
        int inserted = em
                .createNativeQuery("INSERT INTO stripe_events (event_id, type, invoice_id, received_at, outcome)"
                        + " VALUES (?1, ?2, ?3, ?4, ?5) ON CONFLICT (event_id) DO NOTHING")
                .setParameter(1, event.getId()).setParameter(2, event.getType())
                .setParameter(3, invoice.map(i -> i.id).orElse(null)).setParameter(4, clock.instant())
                .setParameter(5, outcome).executeUpdate();
        if (inserted == 0) {
            return "duplicate";
        }
        if (outcome.equals("applied")) {
            Invoice i = invoice.get();
            i.status = target.get().wire();
            i.statusChangedAt = clock.instant();
        }
        LOG.debugf("stripe event %s %s: %s", event.getId(), event.getType(), outcome);
        return outcome;
    }

    private Optional<Invoice> invoiceOf(Event event) {
        // getObject() is empty when the endpoint's API version differs from the one stripe-java pins; only the id
        // and the metadata are read here, which every version carries alike, so deserialize regardless
        var data = event.getDataObjectDeserializer();
        StripeObject object = data.getObject().orElseGet(() -> {
            try {
                return data.deserializeUnsafe();
            } catch (com.stripe.exception.EventDataObjectDeserializationException e) {
                LOG.warnf("stripe event %s: invoice not readable (%s)", event.getId(), e.getMessage());
                return null;
            }
        });
        if (!(object instanceof com.stripe.model.Invoice stripeInvoice)) {
            return Optional.empty();
        }
        String accrueId = stripeInvoice.getMetadata() == null
                ? null
                : stripeInvoice.getMetadata().get("accrue_invoice_id");
        if (accrueId != null) {
            try {
                Optional<Invoice> byId = invoices.findByIdOptional(UUID.fromString(accrueId));
                if (byId.isPresent()) {
                    return byId;
                }
            } catch (IllegalArgumentException ignored) {
                // fall through to the Stripe id
            }
        }
        return invoices.find("stripeInvoiceId", stripeInvoice.getId()).firstResultOptional();
    }

    private Event verify(String payload, String signature) {
        List<String> secrets = config.stripe().webhookSecret().map(s -> Arrays.stream(s.split(","))
                .map(String::strip).filter(x -> !x.isEmpty()).toList()).orElse(List.of());
        if (secrets.isEmpty()) {
            throw new ApiException(503, "webhook_not_configured", "Service unavailable",
                    "No Stripe webhook secret is configured.");
        }
        if (signature == null || signature.isBlank()) {
            throw ApiException.badRequest("invalid_signature", "The Stripe-Signature header is missing.");
        }
        for (String secret : secrets) {
            try {
                return Webhook.constructEvent(payload, signature, secret, TOLERANCE_SECONDS, clock);
            } catch (SignatureVerificationException e) {
                // try the next secret (rotation window)
            } catch (RuntimeException e) {
                throw ApiException.badRequest("malformed_json", "The event is not valid JSON.");
            }
        }
        throw ApiException.badRequest("invalid_signature", "The Stripe signature does not match this endpoint.");
    }
}
