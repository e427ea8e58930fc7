package io.accrue.invoice.run;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.stream.Collectors;

import jakarta.enterprise.context.ApplicationScoped;

import io.quarkus.hibernate.orm.panache.PanacheRepositoryBase;

@ApplicationScoped
public class BillingRunItemRepository implements PanacheRepositoryBase<BillingRunItem, UUID> {

    /** Adds an account to a run once; replanning a run adds only what is missing. */
    public void addOnce(UUID runId, String orgId, Instant now) {
        getEntityManager().createNativeQuery("INSERT INTO billing_run_items "
                + "(id, run_id, org_id, status, attempts, next_attempt_at, updated_at) "
                + "VALUES (?1, ?2, ?3, 'pending', 0, ?4, ?4) ON CONFLICT (run_id, org_id) DO NOTHING")
                .setParameter(1, UUID.randomUUID()).setParameter(2, runId).setParameter(3, orgId)
                .setParameter(4, now).executeUpdate();
    }

    /**
     * Claims the next due item of a run and locks it for the caller's transaction; rows other workers hold are
     * skipped, so concurrent workers share a run without ever taking the same account.
     */
    @SuppressWarnings("unchecked")
    public Optional<BillingRunItem> claimNext(UUID runId, Instant now) {
        List<UUID> ids = getEntityManager().createNativeQuery("SELECT id FROM billing_run_items "
                + "WHERE run_id = ?1 AND status IN ('pending', 'failed') AND next_attempt_at <= ?2 "
                + "ORDER BY next_attempt_at, org_id LIMIT 1 FOR UPDATE SKIP LOCKED", UUID.class)
                .setParameter(1, runId).setParameter(2, now).getResultList();
        return ids.stream().findFirst().map(this::findById);
    }

    public Map<String, Long> countByStatus(UUID runId) {
        List<Object[]> rows = getEntityManager()
                .createQuery("select i.status, count(i) from BillingRunItem i where i.runId = :r group by i.status",
                        Object[].class)
                .setParameter("r", runId).getResultList();
        return rows.stream().collect(Collectors.toMap(r -> (String) r[0], r -> (Long) r[1]));
    }

    public List<BillingRunItem> failures(UUID runId, int max) {
        return find("runId = ?1 and status in ('failed', 'abandoned') order by orgId", runId).page(0, max).list();
    }
}
