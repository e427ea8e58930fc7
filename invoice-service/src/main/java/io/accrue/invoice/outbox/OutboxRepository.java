package io.accrue.invoice.outbox;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;

import org.hibernate.Session;

import io.accrue.common.outbox.LeasedClaims;
import io.accrue.common.outbox.LeasedClaims.Claim;
import io.accrue.common.outbox.OutboxStatus;
import io.accrue.common.retry.Backoff;
import io.quarkus.hibernate.orm.panache.PanacheRepositoryBase;
import io.quarkus.narayana.jta.QuarkusTransaction;

@ApplicationScoped
public class OutboxRepository implements PanacheRepositoryBase<OutboxEntry, UUID> {

    public void enqueue(String kind, UUID invoiceId, String idempotencyKey, Instant now) {
        OutboxEntry e = new OutboxEntry();
        e.invoiceId = invoiceId;
        persistNew(e, kind, idempotencyKey, now);
    }

    public void enqueueEndUserInvoice(String kind, UUID endUserInvoiceId, String idempotencyKey, Instant now) {
        OutboxEntry e = new OutboxEntry();
        e.endUserInvoiceId = endUserInvoiceId;
        persistNew(e, kind, idempotencyKey, now);
    }

    private void persistNew(OutboxEntry e, String kind, String idempotencyKey, Instant now) {
        e.id = UUID.randomUUID();
        e.kind = kind;
        e.idempotencyKey = idempotencyKey;
        e.status = OutboxStatus.PENDING;
        e.nextAttemptAt = now;
        e.createdAt = now;
        persist(e);
    }

    public List<OutboxEntry> ofInvoice(UUID invoiceId) {
        return list("invoiceId", invoiceId);
    }

    public Optional<OutboxEntry> ofEndUserInvoice(UUID endUserInvoiceId) {
        return find("endUserInvoiceId", endUserInvoiceId).firstResultOptional();
    }

    /** The invoice's one Stripe push entry; {@code lock}: row-locked, waiting for a worker delivering it now. */
    public Optional<OutboxEntry> stripePushOf(UUID invoiceId, boolean lock) {
        var query = find("invoiceId = ?1 and kind = ?2", invoiceId, OutboxEntry.STRIPE_INVOICE);
        return (lock ? query.withLock(jakarta.persistence.LockModeType.PESSIMISTIC_WRITE) : query)
                .firstResultOptional();
    }

    /** Entries that will not be delivered without an operator: out of attempts, or refused by a neighbour. */
    public List<OutboxEntry> failed(int max) {
        return find("status = ?1 order by createdAt", OutboxStatus.FAILED).page(0, max).list();
    }

    /** Pending entries, the longest-waiting first; a delivery is one Stripe or neighbour call, the lease minutes. */
    static final LeasedClaims QUEUE = new LeasedClaims("outbox", "id", "status = ?", "next_attempt_at, id",
            Duration.ofMinutes(5), Backoff.DELIVERY);

    /**
     * Claims one due entry under a lease, in a transaction of its own (committed before the delivery), skipping rows
     * another worker holds; the attempt is counted here.
     */
    public Optional<Claim<UUID>> claimDue(Instant now) {
        return QuarkusTransaction.requiringNew().call(() -> getEntityManager().unwrap(Session.class)
                .doReturningWork(c -> QUEUE.claimOne(c, UUID.class, now, OutboxStatus.PENDING.wire())));
    }

    /**
     * The claimed entry, row-locked for the delivering transaction, if it is still pending (a delivery that outlived
     * its lease does not run twice at once; {@code LeasedClaims.lockClaimed} says why it waits rather than skips).
     */
    public Optional<OutboxEntry> lockPending(UUID id) {
        boolean open = getEntityManager().unwrap(Session.class)
                .doReturningWork(c -> QUEUE.lockClaimed(c, id, "status = ?", OutboxStatus.PENDING.wire()));
        return open ? Optional.of(findById(id)) : Optional.empty();
    }

    /** When an entry whose given attempt failed is delivered again. */
    public Instant retryAt(Instant now, int failedAttempt) {
        return QUEUE.retryAt(now, failedAttempt);
    }
}
