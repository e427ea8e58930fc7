package io.accrue.subscription.webhook;

import java.time.Duration;
import java.time.Instant;
import java.util.Optional;

import jakarta.enterprise.context.ApplicationScoped;

import org.hibernate.Session;

import io.accrue.common.outbox.LeasedClaims;
import io.accrue.common.outbox.LeasedClaims.Claim;
import io.accrue.common.retry.Backoff;
import io.quarkus.hibernate.orm.panache.PanacheRepositoryBase;
import io.quarkus.narayana.jta.QuarkusTransaction;

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

    /** The processing queue: unprocessed events with attempts left, oldest Stripe time first. */
    static final LeasedClaims QUEUE = new LeasedClaims("stripe_events", "id", "processed_at IS NULL AND attempts < ?",
            "created, id", Duration.ofMinutes(2), Backoff.DELIVERY);

    /**
     * Claims the next due event under a lease, in a transaction of its own (committed before the event is applied);
     * the attempt is counted here.
     */
    public Optional<Claim<String>> claimDue(Instant now, int maxAttempts) {
        return QuarkusTransaction.requiringNew().call(() -> getEntityManager().unwrap(Session.class)
                .doReturningWork(c -> QUEUE.claimOne(c, String.class, now, maxAttempts)));
    }

    /** When an event whose given attempt failed is tried again. */
    public Instant retryAt(Instant now, int failedAttempt) {
        return QUEUE.retryAt(now, failedAttempt);
    }

    /**
     * The claimed event, row-locked for this transaction, if it is still unprocessed. Beside the lease, this keeps a
     * slow apply that outlived its lease from running twice at once: it waits for that apply and then finds the event
     * processed ({@code LeasedClaims.lockClaimed} says why it waits rather than skips).
     */
    public Optional<StripeEventRecord> claim(String id) {
        boolean open = getEntityManager().unwrap(Session.class)
                .doReturningWork(c -> QUEUE.lockClaimed(c, id, "processed_at IS NULL"));
        return open ? Optional.of(findById(id)) : Optional.empty();
    }
}
