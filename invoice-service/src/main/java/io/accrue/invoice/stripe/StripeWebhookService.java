package io.accrue.invoice.stripe;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.transaction.Transactional;

import org.jboss.logging.Logger;

import com.stripe.exception.SignatureVerificationException;
import com.stripe.model.Event;
import com.stripe.model.StripeObject;
import com.stripe.net.Webhook;

import io.accrue.common.error.ApiException;
import io.accrue.common.signing.Signatures;
import io.accrue.invoice.InvoiceConfig;
import io.accrue.invoice.enduser.EndUserInvoice;
import io.accrue.invoice.enduser.EndUserInvoiceRepository;
import io.accrue.invoice.enduser.EndUserInvoiceStatus;
import io.accrue.invoice.invoices.Invoice;
import io.accrue.invoice.invoices.InvoiceLifecycle;
import io.accrue.invoice.invoices.InvoiceRepository;
import io.accrue.invoice.invoices.InvoiceStatus;

/**
 * Applies Stripe invoice events to the lifecycle. Verified by signature (any of the configured secrets, for
 * rotations), de-duplicated by event id, and order-independent: an event whose move the state machine does not
 * allow (a late {@code invoice.voided} after {@code invoice.paid}) is recorded and ignored. Events of connected
 * accounts (a Connect endpoint, whose signing secret joins the list) settle the end-user invoices sent there.
 */
@ApplicationScoped
public class StripeWebhookService {

    private static final Logger LOG = Logger.getLogger(StripeWebhookService.class);
    private static final long TOLERANCE_SECONDS = 300;

    private final InvoiceConfig config;
    private final InvoiceRepository invoices;
    private final EndUserInvoiceRepository endUserInvoices;
    private final StripeEventRepository events;
    private final InvoiceLifecycle lifecycle;
    private final Clock clock;

    StripeWebhookService(InvoiceConfig config, InvoiceRepository invoices, EndUserInvoiceRepository endUserInvoices,
            StripeEventRepository events, InvoiceLifecycle lifecycle, Clock clock) {
        this.config = config;
        this.lifecycle = lifecycle;
        this.invoices = invoices;
        this.endUserInvoices = endUserInvoices;
        this.events = events;
        this.clock = clock;
    }

    @Transactional
    public String receive(String payload, String signature) {
        Event event = verify(payload, signature);
        Optional<com.stripe.model.Invoice> stripeInvoice = event.getType().startsWith("invoice.")
                ? stripeInvoiceOf(event)
                : Optional.empty();
        InvoiceStatus target = switch (event.getType()) {
            case "invoice.paid", "invoice.payment_succeeded" -> InvoiceStatus.PAID;
            case "invoice.voided" -> InvoiceStatus.VOID;
            case "invoice.marked_uncollectible" -> InvoiceStatus.UNCOLLECTIBLE;
            default -> null;
        };
        String endUserInvoice = stripeInvoice.map(i -> metadata(i, StripeJavaGateway.END_USER_INVOICE)).orElse(null);
        if (endUserInvoice != null) {
            return settleEndUserInvoice(event, target, endUserInvoice);
        }
        Optional<Invoice> invoice = stripeInvoice.flatMap(this::accrueInvoiceOf);
        String outcome = outcome(target, invoice.map(i -> i.status.wire()).orElse(null),
                invoice.isPresent() && target != null && invoice.get().status.mayMoveTo(target));
        if (!record(event, invoice.map(i -> i.id).orElse(null), null, outcome)) {
            return "duplicate";
        }
        if (outcome.equals("applied")) {
            // through the lifecycle, which records invoice.paid (once per invoice, whichever event says it)
            lifecycle.move(invoice.get(), target);
        }
        LOG.debugf("stripe event %s %s: %s", event.getId(), event.getType(), outcome);
        return outcome;
    }

    /**
     * A Connect event about an invoice an organisation sent to its end user on its connected account. Stripe signs
     * it; the account it names must also be the one the invoice went to, or it settles nothing.
     */
    private String settleEndUserInvoice(Event event, InvoiceStatus target, String endUserInvoiceId) {
        EndUserInvoice invoice = uuid(endUserInvoiceId)
                .flatMap(endUserInvoices::lock)
                .filter(i -> i.connectedAccountId != null && i.connectedAccountId.equals(event.getAccount()))
                .orElse(null);
        String outcome = outcome(target, invoice == null ? null : invoice.status.wire(),
                invoice != null && target != null && invoice.maySettleAs(target));
        if (!record(event, null, invoice == null ? null : invoice.id, outcome)) {
            return "duplicate";
        }
        if (outcome.equals("applied")) {
            invoice.status = EndUserInvoiceStatus.settled(target);
            invoice.settledAt = clock.instant();
        }
        LOG.debugf("stripe connect event %s %s (account %s): %s", event.getId(), event.getType(), event.getAccount(),
                outcome);
        return outcome;
    }

    /** What an event does to an invoice in status {@code current} (null: no such invoice of ours). */
    private static String outcome(InvoiceStatus target, String current, boolean allowed) {
        if (target == null) {
            return "ignored";
        }
        if (current == null) {
            return "unknown_invoice";
        }
        if (target.wire().equals(current)) {
            return "unchanged";
        }
        return allowed ? "applied" : "ignored_transition";
    }

    /** Records the event once; false when it was recorded before (a redelivery, which changes nothing). */
    private boolean record(Event event, UUID invoiceId, UUID endUserInvoiceId, String outcome) {
        return events.recordOnce(event.getId(), event.getType(), invoiceId, endUserInvoiceId, clock.instant(),
                outcome);
    }

    private Optional<com.stripe.model.Invoice> stripeInvoiceOf(Event event) {
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
        return object instanceof com.stripe.model.Invoice invoice ? Optional.of(invoice) : Optional.empty();
    }

    private Optional<Invoice> accrueInvoiceOf(com.stripe.model.Invoice stripeInvoice) {
        Optional<Invoice> byId = uuid(metadata(stripeInvoice, StripeJavaGateway.INVOICE))
                .flatMap(invoices::findByIdOptional);
        return byId.isPresent() ? byId : invoices.find("stripeInvoiceId", stripeInvoice.getId()).firstResultOptional();
    }

    private static String metadata(com.stripe.model.Invoice invoice, String key) {
        return invoice.getMetadata() == null ? null : invoice.getMetadata().get(key);
    }

    private static Optional<UUID> uuid(String value) {
        if (value == null) {
            return Optional.empty();
        }
        try {
            return Optional.of(UUID.fromString(value));
        } catch (IllegalArgumentException e) {
            return Optional.empty(); // not one of ours: fall back to the Stripe id
        }
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
        // The signature first, with common's check of Stripe's scheme: a malformed header (t=abc) is an invalid
        // signature, not malformed JSON, and a timestamp beyond the tolerance is refused either way (stripe-java
        // accepts any future one). Any secret of the rotation window may match.
        if (Signatures.verify(signature, payload.getBytes(StandardCharsets.UTF_8), secrets, clock.instant(),
                Duration.ofSeconds(TOLERANCE_SECONDS)) != Signatures.Outcome.VALID) {
            throw ApiException.badRequest("invalid_signature",
                    "The Stripe signature is malformed, does not match this endpoint, or is dated outside 5 minutes.");
        }
        for (String secret : secrets) {
            try {
                return Webhook.constructEvent(payload, signature, secret, TOLERANCE_SECONDS, clock);
            } catch (SignatureVerificationException e) {
                // the next secret of the rotation window is the one that matched
            } catch (RuntimeException e) {
                throw ApiException.badRequest("malformed_json", "The event is not valid JSON.");
            }
        }
        throw ApiException.badRequest("invalid_signature", "The Stripe signature does not match this endpoint.");
    }
}
