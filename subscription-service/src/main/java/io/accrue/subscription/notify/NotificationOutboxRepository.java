package io.accrue.subscription.notify;

import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;

import org.hibernate.Session;

import io.accrue.common.outbox.LeasedClaims;
import io.accrue.common.outbox.LeasedClaims.Claim;
import io.accrue.common.retry.Backoff;
import io.quarkus.hibernate.orm.panache.PanacheRepositoryBase;
import io.quarkus.narayana.jta.QuarkusTransaction;

/** The notification outbox: rows to deliver to contacts' webhook URLs. */
@ApplicationScoped
public class NotificationOutboxRepository implements PanacheRepositoryBase<OutboundNotification, UUID> {

    /** Undelivered rows with attempts left, oldest first; a send takes seconds (5 s timeout), the lease minutes. */
    static final LeasedClaims QUEUE = new LeasedClaims("notification_outbox", "id",
            "delivered_at IS NULL AND attempts < ?", "created_at, id", Duration.ofMinutes(2), Backoff.DELIVERY);

    /** Claims the next due row under a lease, in a transaction of its own; the attempt is counted here. */
    public Optional<Claim<UUID>> claimDue(Instant now, int maxAttempts) {
        return QuarkusTransaction.requiringNew().call(() -> getEntityManager().unwrap(Session.class)
                .doReturningWork(c -> QUEUE.claimOne(c, UUID.class, now, maxAttempts)));
    }

    /** When a row whose given attempt failed is sent again. */
    public Instant retryAt(Instant now, int failedAttempt) {
        return QUEUE.retryAt(now, failedAttempt);
    }

    /**
     * The claimed row, locked for this transaction, if it is still undelivered and no other replica is sending it
     * (a send that outlived its lease does not run twice at once).
     */
    public Optional<OutboundNotification> claim(UUID id) {
        boolean free = !getEntityManager().createNativeQuery(
                "SELECT id FROM notification_outbox WHERE id = ?1 AND delivered_at IS NULL FOR UPDATE SKIP LOCKED")
                .setParameter(1, id).getResultList().isEmpty();
        return free ? Optional.of(findById(id)) : Optional.empty();
    }
}
