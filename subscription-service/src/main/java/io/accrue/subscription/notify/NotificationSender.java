package io.accrue.subscription.notify;

import java.time.Clock;
import java.time.Duration;
import java.util.List;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.context.control.ActivateRequestContext;
import jakarta.persistence.EntityManager;
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

    private final EntityManager em;
    private final Notifications notifications;
    private final Clock clock;
    private final OutboundHttp http;

    NotificationSender(EntityManager em, Notifications notifications, Clock clock, OutboundHttp http) {
        this.http = http;
        this.em = em;
        this.notifications = notifications;
        this.clock = clock;
    }

    @ActivateRequestContext
    @Scheduled(every = "${accrue.notifications.send-every:10s}", concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    public void sendDue() {
        for (Object id : dueIds()) {
            sendOne((java.util.UUID) id);
        }
    }

    @Transactional
    List<?> dueIds() {
        return em.createNativeQuery("""
                SELECT id FROM notification_outbox WHERE delivered_at IS NULL AND next_attempt_at <= ?1
                AND attempts < ?2 ORDER BY created_at LIMIT 100""").setParameter(1, clock.instant())
                .setParameter(2, MAX_ATTEMPTS).getResultList();
    }

    @Transactional(Transactional.TxType.REQUIRES_NEW)
    void sendOne(java.util.UUID id) {
        if (em.createNativeQuery("SELECT id FROM notification_outbox WHERE id = ?1 AND delivered_at IS NULL "
                + "FOR UPDATE SKIP LOCKED").setParameter(1, id).getResultList().isEmpty()) {
            return;
        }
        OutboundNotification n = em.find(OutboundNotification.class, id);
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
