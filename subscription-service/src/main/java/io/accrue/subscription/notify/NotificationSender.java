package io.accrue.subscription.notify;

import java.time.Clock;
import java.time.Duration;
import java.util.List;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.context.control.ActivateRequestContext;
import jakarta.transaction.Transactional;

import io.accrue.common.outbound.OutboundHttp;
import io.accrue.common.retry.Backoff;
import io.accrue.common.signing.Signatures;
import io.quarkus.scheduler.Scheduled;

/**
 * Delivers the outbox. Each row is claimed with FOR UPDATE SKIP LOCKED (two replicas never send the same one),
 * retried with backoff on failure. Delivery is at-least-once: receivers de-duplicate on the notification id.
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
        for (java.util.UUID id : dueIds()) {
            sendOne(id);
        }
    }

    @Transactional
    List<java.util.UUID> dueIds() {
        return outbox.dueIds(clock.instant(), MAX_ATTEMPTS, 100);
    }

    @Transactional(Transactional.TxType.REQUIRES_NEW)
    void sendOne(java.util.UUID id) {
        OutboundNotification n = outbox.claim(id).orElse(null);
        if (n == null) {
            return; // delivered meanwhile, or another replica is sending it
        }
        n.attempts++;
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
        n.nextAttemptAt = clock.instant().plus(Backoff.DELIVERY.after(n.attempts));
    }
}
