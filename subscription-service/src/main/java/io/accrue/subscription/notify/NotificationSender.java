package io.accrue.subscription.notify;

import java.time.Clock;
import java.time.Duration;
import java.util.Optional;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.context.control.ActivateRequestContext;
import jakarta.transaction.Transactional;

import io.accrue.common.outbound.OutboundHttp;
import io.accrue.common.outbox.LeasedClaims.Claim;
import io.accrue.common.signing.Signatures;
import io.quarkus.scheduler.Scheduled;

/**
 * Delivers the outbox. Each row is claimed under a lease (common's {@code LeasedClaims}: FOR UPDATE SKIP LOCKED, two
 * replicas never send the same one), retried with the suite's backoff on failure. Delivery is at-least-once: receivers de-duplicate on the notification id.
 */
@ApplicationScoped
public class NotificationSender {

    private static final int MAX_ATTEMPTS = 10;

    private final NotificationOutboxRepository outbox;
    private final Notifications notifications;
    private final Clock clock;
    private final OutboundHttp http;

    NotificationSender(NotificationOutboxRepository outbox, Notifications notifications, Clock clock,
            OutboundHttp http) {
        this.http = http;
        this.outbox = outbox;
        this.notifications = notifications;
        this.clock = clock;
    }

    @ActivateRequestContext
    @Scheduled(every = "${accrue.notifications.send-every:10s}", concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    public void sendDue() {
        for (int i = 0; i < 100; i++) {
            Optional<Claim<UUID>> claimed = outbox.claimDue(clock.instant(), MAX_ATTEMPTS);
            if (claimed.isEmpty()) {
                return;
            }
            sendOne(claimed.get());
        }
    }

    @Transactional(Transactional.TxType.REQUIRES_NEW)
    void sendOne(Claim<UUID> claim) {
        OutboundNotification n = outbox.claim(claim.id()).orElse(null);
        if (n == null) {
            return; // delivered meanwhile, or another replica is sending it
        }
        try {
            // The URL policy again, after DNS; the connection goes to the checked address, redirects are not followed.
            int status = http.post(n.url, java.util.Map.of("Content-Type", "application/json", Signatures.HEADER,
                    notifications.signature(n.payload, clock.instant().getEpochSecond())), n.payload,
                    Duration.ofSeconds(5));
            if (status / 100 == 2) {
                n.deliveredAt = clock.instant();
                n.lastError = null;
                return;
            }
            n.lastError = "HTTP " + status;
        } catch (Exception e) {
            if (e instanceof InterruptedException) {
                Thread.currentThread().interrupt();
            }
            n.lastError = String.valueOf(e.getMessage());
        }
        // the claim counted the attempt
        n.nextAttemptAt = outbox.retryAt(clock.instant(), claim.attempt());
    }
}
