package io.accrue.subscription.hooks;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.context.control.ActivateRequestContext;
import jakarta.persistence.EntityManager;
import jakarta.transaction.Transactional;

import org.hibernate.Session;

import io.accrue.common.outbound.OutboundHttp;
import io.accrue.common.outbox.LeasedClaims;
import io.accrue.common.outbox.LeasedClaims.Claim;
import io.accrue.common.retry.Backoff;
import io.accrue.common.signing.StandardWebhooks;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.scheduler.Scheduled;

/**
 * Delivers pending webhook deliveries, signed per Standard Webhooks. Claimed through common's {@link LeasedClaims}
 * (two replicas never send the same delivery at once; a worker that dies leaves it to be claimed again when the
 * lease ends: at least once, under the event's stable id), retried with the suite's one {@link Backoff} (30 s
 * doubling, capped at an hour, jittered) until the delivery's three-day window ends, then {@code failed}.
 * <p>
 * Ordered per endpoint: a delivery is not due while an older delivery to the same endpoint (hence of the same
 * organisation) is pending, so a receiver sees {@code subscription.created} before {@code subscription.updated}
 * even across retries. The price is head-of-line blocking: an endpoint that fails holds its later events back until
 * it recovers or the older delivery gives up.
 */
@ApplicationScoped
public class WebhookSender {

    private static final String PENDING = "'" + WebhookDeliveryStatus.PENDING.wire() + "'";

    static final LeasedClaims QUEUE = new LeasedClaims("webhook_deliveries", "id",
            "status = " + PENDING + " AND NOT EXISTS (SELECT 1 FROM webhook_deliveries older WHERE older.endpoint_id = "
                    + "webhook_deliveries.endpoint_id AND older.status = " + PENDING
                    + " AND older.seq < webhook_deliveries.seq)",
            "seq", Duration.ofMinutes(2), Backoff.DELIVERY);

    static final Duration TIMEOUT = Duration.ofSeconds(5);

    private final EntityManager em;
    private final OutboundHttp http;
    private final Clock clock;

    WebhookSender(EntityManager em, OutboundHttp http, Clock clock) {
        this.em = em;
        this.http = http;
        this.clock = clock;
    }

    @ActivateRequestContext
    @Scheduled(every = "${accrue.webhooks.send-every:5s}", concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    void scheduled() {
        deliverDue(clock.instant());
    }

    /** Delivers what is due at {@code now} (one at a time, so the per-endpoint order holds); answers how many ran. */
    public int deliverDue(Instant now) {
        return LeasedClaims.eachClaimed(200, () -> QuarkusTransaction.requiringNew().call(() -> em
                .unwrap(Session.class).doReturningWork(c -> QUEUE.claimOne(c, UUID.class, now))),
                claim -> QuarkusTransaction.requiringNew().run(() -> deliverOne(claim, now)));
    }

    @Transactional(Transactional.TxType.MANDATORY)
    void deliverOne(Claim<UUID> claim, Instant now) {
        // locked for this transaction: a send that outlived its lease does not run twice at once
        if (!em.unwrap(Session.class).doReturningWork(c -> QUEUE.lockClaimed(c, claim.id(), "status = " + PENDING))) {
            return;
        }
        WebhookDelivery d = em.find(WebhookDelivery.class, claim.id());
        WebhookEndpoint endpoint = em.find(WebhookEndpoint.class, d.endpointId);
        if (!endpoint.enabled || endpoint.deletedAt != null) {
            d.moveTo(WebhookDeliveryStatus.CANCELED);
            d.lastError = "the endpoint was disabled or deleted";
            return;
        }
        BillingEvent event = em.find(BillingEvent.class, d.eventId);
        String body = body(event);
        Map<String, String> headers = new LinkedHashMap<>();
        headers.put("Content-Type", "application/json");
        headers.putAll(StandardWebhooks.headers(endpoint.signingSecrets(now), event.id, now.getEpochSecond(), body));
        WebhookAttempt attempt = new WebhookAttempt();
        attempt.id = UUID.randomUUID();
        attempt.deliveryId = d.id;
        attempt.attempt = claim.attempt();
        attempt.at = now;
        long started = System.nanoTime();
        try {
            // the URL policy again, after DNS; connects only to the checked address, never follows a redirect
            attempt.responseCode = http.post(endpoint.url, headers, body, TIMEOUT);
            if (attempt.responseCode / 100 != 2) {
                attempt.error = "HTTP " + attempt.responseCode;
            }
        } catch (Exception e) {
            if (e instanceof InterruptedException) {
                Thread.currentThread().interrupt();
            }
            attempt.error = truncate(String.valueOf(e.getMessage()));
        }
        attempt.durationMs = Duration.ofNanos(System.nanoTime() - started).toMillis();
        em.persist(attempt);
        d.lastStatus = attempt.responseCode;
        d.lastError = attempt.error;
        if (attempt.error == null) {
            d.moveTo(WebhookDeliveryStatus.DELIVERED);
            d.deliveredAt = now;
            return;
        }
        Instant next = QUEUE.retryAt(now, claim.attempt());
        if (!next.isBefore(d.giveUpAt)) {
            d.moveTo(WebhookDeliveryStatus.FAILED); // the window is over: later deliveries of the endpoint may go
            return;
        }
        d.nextAttemptAt = next;
    }

    /**
     * The Standard Webhooks payload shape ({@code type}, {@code timestamp}, {@code data}) plus the event id; built
     * from the stored event, so every retry and replay sends the same bytes for the same event.
     */
    static String body(BillingEvent e) {
        return "{\"id\":\"" + e.id + "\",\"type\":\"" + e.type + "\",\"timestamp\":\"" + e.occurredAt + "\",\"data\":"
                + e.payload + "}";
    }

    private static String truncate(String s) {
        return s.length() > 1000 ? s.substring(0, 1000) : s;
    }
}
