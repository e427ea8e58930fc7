package io.accrue.subscription.notify;

import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;

import io.quarkus.hibernate.orm.panache.PanacheRepositoryBase;

/** The notification outbox: rows to deliver to contacts' webhook URLs. */
@ApplicationScoped
public class NotificationOutboxRepository implements PanacheRepositoryBase<OutboundNotification, UUID> {

    /** Undelivered rows whose retry time has come, oldest first. */
    @SuppressWarnings("unchecked")
    public List<UUID> dueIds(Instant now, int maxAttempts, int limit) {
        return getEntityManager().createNativeQuery("""
                SELECT id FROM notification_outbox WHERE delivered_at IS NULL AND next_attempt_at <= ?1
                AND attempts < ?2 ORDER BY created_at LIMIT ?3""").setParameter(1, now)
                .setParameter(2, maxAttempts).setParameter(3, limit).getResultList();
    }

    /** The row, locked for this transaction, if it is still undelivered and no other replica is sending it. */
    public Optional<OutboundNotification> claim(UUID id) {
        boolean free = !getEntityManager().createNativeQuery(
                "SELECT id FROM notification_outbox WHERE id = ?1 AND delivered_at IS NULL FOR UPDATE SKIP LOCKED")
                .setParameter(1, id).getResultList().isEmpty();
        return free ? Optional.of(findById(id)) : Optional.empty();
    }
}
