package io.accrue.invoice.outbox;

import java.time.Instant;
import java.util.List;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;

import io.quarkus.hibernate.orm.panache.PanacheRepositoryBase;

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
        e.status = "pending";
        e.nextAttemptAt = now;
        e.createdAt = now;
        persist(e);
    }

    public List<OutboxEntry> ofInvoice(UUID invoiceId) {
        return list("invoiceId", invoiceId);
    }

    public java.util.Optional<OutboxEntry> ofEndUserInvoice(UUID endUserInvoiceId) {
        return find("endUserInvoiceId", endUserInvoiceId).firstResultOptional();
    }

    /** Entries that will not be delivered without an operator: out of attempts, or refused by a neighbour. */
    public List<OutboxEntry> failed(int max) {
        return find("status = 'failed' order by createdAt").page(0, max).list();
    }

    /** Claims one due entry, skipping rows another worker holds; must run in a transaction. */
    @SuppressWarnings("unchecked")
    public java.util.Optional<OutboxEntry> claimDue(Instant now) {
        List<UUID> ids = getEntityManager().createNativeQuery(
                "SELECT id FROM outbox WHERE status = 'pending' AND next_attempt_at <= ?1 "
                        + "ORDER BY next_attempt_at LIMIT 1 FOR UPDATE SKIP LOCKED",
                UUID.class)
                .setParameter(1, now).getResultList();
        return ids.stream().findFirst().map(this::findById);
    }
}
