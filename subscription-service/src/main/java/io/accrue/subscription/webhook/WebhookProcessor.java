package io.accrue.subscription.webhook;

import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.context.control.ActivateRequestContext;
import jakarta.transaction.Transactional;

import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;

import com.fasterxml.jackson.databind.JsonNode;

import io.accrue.common.outbox.LeasedClaims.Claim;
import io.accrue.subscription.account.BillingAccount;
import io.accrue.subscription.account.BillingAccountRepository;
import io.accrue.subscription.dunning.DunningService;
import io.accrue.subscription.hooks.BillingEvents;
import io.accrue.subscription.stripe.StripeGateway;
import io.quarkus.scheduler.Scheduled;

/**
 * Applies stored events. Each event is claimed under a lease (common's {@code LeasedClaims}: FOR UPDATE SKIP
 * LOCKED), so two replicas never process the same one; a failure is retried with the suite's backoff up to a maximum
 * number of attempts, and a worker that dies mid-event leaves it to be claimed again when the lease ends. Order does not
 * matter: payment and dispute state only moves forward in Stripe's own event time.
 */
@ApplicationScoped
public class WebhookProcessor {

    private static final Logger LOG = Logger.getLogger(WebhookProcessor.class);

    private final DisputeRepository disputes;
    private final BillingAccountRepository accounts;
    private final DunningService dunning;
    private final StripeGateway stripe;
    private final Clock clock;
    private final int maxAttempts;
    private final CheckoutCompletion checkouts;
    private final StripeEventRepository events;
    private final BillingEvents billingEvents;

    WebhookProcessor(DisputeRepository disputes, BillingAccountRepository accounts, DunningService dunning,
            StripeGateway stripe,
            Clock clock, @ConfigProperty(name = "accrue.stripe.webhooks.max-attempts") int maxAttempts,
            CheckoutCompletion checkouts, StripeEventRepository events, BillingEvents billingEvents) {
        this.billingEvents = billingEvents;
        this.checkouts = checkouts;
        this.events = events;
        this.disputes = disputes;
        this.accounts = accounts;
        this.dunning = dunning;
        this.stripe = stripe;
        this.clock = clock;
        this.maxAttempts = maxAttempts;
    }

    @ActivateRequestContext
    @Scheduled(every = "${accrue.stripe.webhooks.process-every}", concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    public void processDue() {
        for (int i = 0; i < 100; i++) {
            Optional<Claim<String>> claimed = events.claimDue(clock.instant(), maxAttempts);
            if (claimed.isEmpty()) {
                return;
            }
            Claim<String> claim = claimed.get();
            try {
                processOne(claim.id());
            } catch (RuntimeException e) {
                LOG.warnf("Stripe event %s failed: %s", claim.id(), e.getMessage());
                recordFailure(claim, e);
            }
        }
    }

    @Transactional(Transactional.TxType.REQUIRES_NEW)
    void processOne(String id) {
        StripeEventRecord event = events.claim(id).orElse(null);
        if (event == null) {
            return; // another replica has it, or it is done
        }
        String outcome = apply(event);
        event.processedAt = clock.instant();
        event.outcome = outcome;
        event.lastError = null;
    }

    @Transactional(Transactional.TxType.REQUIRES_NEW)
    void recordFailure(Claim<String> claim, RuntimeException e) {
        StripeEventRecord event = events.findById(claim.id());
        // the claim counted the attempt (so one that crashed the worker counts too)
        event.nextAttemptAt = events.retryAt(clock.instant(), claim.attempt());
        String message = String.valueOf(e.getMessage());
        event.lastError = message.length() > 1000 ? message.substring(0, 1000) : message;
        if (claim.attempt() >= maxAttempts) {
            event.outcome = "gave up";
        }
    }

    private String apply(StripeEventRecord event) {
        JsonNode object = read(event.payload).path("data").path("object");
        Instant created = event.created;
        return switch (event.type) {
            case "invoice.payment_failed" -> org(object).map(o -> {
                paymentFailedEvent(event, o, object);
                return dunning.paymentFailed(o, created, "payment failed: invoice " + object.path("id").asText());
            }).orElse("unknown customer");
            case "invoice.paid" -> org(object).map(o -> dunning.paid(o, created)).orElse("unknown customer");
            case "charge.dispute.created", "charge.dispute.updated", "charge.dispute.closed" ->
                dispute(object, created);
            // Accrue owns plan and status; these are kept as received (raw, in this table) for the audit and export
            case "customer.subscription.created", "customer.subscription.updated", "customer.subscription.deleted",
                    "payment_method.attached", "payment_method.detached" ->
                "recorded";
            case "checkout.session.completed" -> org(object).map(o -> checkouts.completed(o, object, created))
                    .orElse("unknown customer");
            default -> "ignored";
        };
    }

    private String dispute(JsonNode object, Instant created) {
        String id = object.path("id").asText();
        Dispute d = disputes.findById(id);
        if (d != null && created.isBefore(d.stateAt)) {
            return "stale";
        }
        if (d == null) {
            Optional<String> org = Optional.ofNullable(stripe.customerOfCharge(object.path("charge").asText()))
                    .flatMap(accounts::findByCustomer).map(a -> a.orgId);
            if (org.isEmpty()) {
                return "unknown customer";
            }
            d = new Dispute();
            d.id = id;
            d.orgId = org.get();
            d.openedAt = Instant.ofEpochSecond(object.path("created").asLong(created.getEpochSecond()));
        }
        d.status = object.path("status").asText("needs_response");
        // Stripe's final dispute statuses; anything else is still being fought
        d.open = !List.of("won", "lost", "warning_closed").contains(d.status);
        d.closedAt = d.open ? null : created;
        d.amount = object.path("amount").isNumber() ? object.path("amount").asLong() : null;
        d.currency = object.path("currency").isTextual() ? object.path("currency").asText().toUpperCase() : null;
        d.reason = object.path("reason").asText(null);
        d.stateAt = created;
        if (!disputes.isPersistent(d)) {
            disputes.persist(d);
        }
        return "dispute " + d.status;
    }

    private Optional<String> org(JsonNode object) {
        String customer = object.path("customer").asText(null);
        return Optional.ofNullable(customer).flatMap(accounts::findByCustomer).map((BillingAccount a) -> a.orgId);
    }

    private static JsonNode read(String payload) {
        try {
            return WebhookInbox.JSON.readTree(payload);
        } catch (Exception e) {
            throw new IllegalStateException("stored event is not JSON", e);
        }
    }

    /**
     * Stripe's failed payment as the organisation's {@code invoice.payment_failed} billing event, under an id derived
     * from Stripe's event id: a redelivered Stripe event publishes nothing twice.
     */
    private void paymentFailedEvent(StripeEventRecord event, String orgId, JsonNode invoice) {
        java.util.Map<String, Object> data = new java.util.LinkedHashMap<>();
        data.put("orgId", orgId);
        data.put("stripeInvoiceId", invoice.path("id").asText(null));
        data.put("amountDue", invoice.path("amount_due").isMissingNode() ? null : invoice.path("amount_due").asLong());
        data.put("currency", invoice.path("currency").asText(null));
        data.put("attemptCount", invoice.path("attempt_count").isMissingNode()
                ? null
                : invoice.path("attempt_count").asInt());
        String id = ("stripe_" + event.id).replaceAll("[^A-Za-z0-9_\\-]", "_");
        billingEvents.publish(id.length() > 64 ? id.substring(0, 64) : id, orgId, "invoice.payment_failed",
                event.created, data);
    }
}
