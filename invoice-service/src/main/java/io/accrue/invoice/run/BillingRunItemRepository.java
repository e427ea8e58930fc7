package io.accrue.invoice.run;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.stream.Collectors;

import jakarta.enterprise.context.ApplicationScoped;

import org.hibernate.Session;

import io.accrue.common.outbox.LeasedClaims;
import io.accrue.common.outbox.LeasedClaims.Claim;
import io.accrue.common.retry.Backoff;
import io.quarkus.hibernate.orm.panache.PanacheRepositoryBase;
import io.quarkus.narayana.jta.QuarkusTransaction;

@ApplicationScoped
public class BillingRunItemRepository implements PanacheRepositoryBase<BillingRunItem, UUID> {

    /** Adds an account to a run once; replanning a run adds only what is missing. */
    public void addOnce(UUID runId, String orgId, Instant now) {
        getEntityManager().createNativeQuery("INSERT INTO billing_run_items "
                + "(id, run_id, org_id, status, attempts, next_attempt_at, updated_at) "
                + "VALUES (?1, ?2, ?3, ?5, 0, ?4, ?4) ON CONFLICT (run_id, org_id) DO NOTHING")
                .setParameter(1, UUID.randomUUID()).setParameter(2, runId).setParameter(3, orgId)
                .setParameter(4, now).setParameter(5, RunItemStatus.PENDING.wire()).executeUpdate();
    }

    /** A run's items as a claim queue: pending or failed items, the longest-waiting first. */
    public static LeasedClaims queue(Duration lease, Backoff backoff) {
        return new LeasedClaims("billing_run_items", "id", "run_id = ? AND status IN (?, ?)",
                "next_attempt_at, org_id", lease, backoff);
    }

    /**
     * Claims the next due item of a run under a lease, in a transaction of its own (committed before the close);
     * rows other workers hold are skipped, so concurrent workers share a run without ever taking the same account.
     * The attempt is counted here.
     */
    public Optional<Claim<UUID>> claimNext(LeasedClaims queue, UUID runId, Instant now) {
        return QuarkusTransaction.requiringNew().call(() -> getEntityManager().unwrap(Session.class)
                .doReturningWork(c -> queue.claimOne(c, UUID.class, now, runId, RunItemStatus.PENDING.wire(),
                        RunItemStatus.FAILED.wire())));
    }

    public Map<RunItemStatus, Long> countByStatus(UUID runId) {
        List<Object[]> rows = getEntityManager()
                .createQuery("select i.status, count(i) from BillingRunItem i where i.runId = :r group by i.status",
                        Object[].class)
                .setParameter("r", runId).getResultList();
        return rows.stream().collect(Collectors.toMap(r -> (RunItemStatus) r[0], r -> (Long) r[1]));
    }

    public List<BillingRunItem> failures(UUID runId, int max) {
        return find("runId = ?1 and status in ?2 order by orgId", runId,
                List.of(RunItemStatus.FAILED, RunItemStatus.ABANDONED)).page(0, max).list();
    }
}
