package io.accrue.subscription.webhook;

import java.time.Instant;
import java.util.List;
import java.util.Optional;

import jakarta.enterprise.context.ApplicationScoped;

import io.quarkus.hibernate.orm.panache.PanacheRepositoryBase;

/** Stored Stripe events and their processing queue. */
@ApplicationScoped
public class StripeEventRepository implements PanacheRepositoryBase<StripeEventRecord, String> {

    /** Stores an event once; false when it was stored already (a replay, or Stripe's own retry). */
    public boolean storeOnce(String id, String type, Instant created, String payload, Instant now) {
        return getEntityManager().createNativeQuery("""
                INSERT INTO stripe_events (id, type, created, payload, received_at, next_attempt_at)
                VALUES (?1, ?2, ?3, ?4, ?5, ?5) ON CONFLICT (id) DO NOTHING""")
                .setParameter(1, id).setParameter(2, type).setParameter(3, created).setParameter(4, payload)
                .setParameter(5, now).executeUpdate() == 1;
    }

    /** Unprocessed events whose retry time has come, oldest Stripe time first. */
    @SuppressWarnings("unchecked")
    public List<String> dueIds(Instant now, int maxAttempts, int limit) {
        return getEntityManager().createNativeQuery("""
                SELECT id FROM stripe_events WHERE processed_at IS NULL AND next_attempt_at <= ?1 AND attempts < ?2
                ORDER BY created LIMIT ?3""").setParameter(1, now).setParameter(2, maxAttempts)
                .setParameter(3, limit).getResultList();
    }

    /**
     * The event, row-locked for this transaction, if it is still unprocessed and no other replica holds it
     * (SKIP LOCKED: a busy row is someone else's work, not a wait).
     */
    public Optional<StripeEventRecord> claim(String id) {
        List<?> claimed = getEntityManager().createNativeQuery(
                "SELECT id FROM stripe_events WHERE id = ?1 AND processed_at IS NULL FOR UPDATE SKIP LOCKED")
                .setParameter(1, id).getResultList();
        return claimed.isEmpty() ? Optional.empty() : Optional.of(findById(id));
    }
}
