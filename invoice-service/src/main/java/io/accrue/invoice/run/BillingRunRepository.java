package io.accrue.invoice.run;

import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;

import io.quarkus.hibernate.orm.panache.PanacheRepositoryBase;

@ApplicationScoped
public class BillingRunRepository implements PanacheRepositoryBase<BillingRun, UUID> {

    /**
     * Creates the run of {@code asOf} unless one exists; two concurrent triggers both end up with the same row
     * (the unique as_of makes the loser's insert a no-op).
     */
    public BillingRun findOrCreate(Instant asOf, String requestedBy, Instant now) {
        getEntityManager().createNativeQuery("INSERT INTO billing_runs (id, as_of, status, requested_by, created_at) "
                + "VALUES (?1, ?2, ?5, ?3, ?4) ON CONFLICT (as_of) DO NOTHING")
                .setParameter(1, UUID.randomUUID()).setParameter(2, asOf).setParameter(3, requestedBy)
                .setParameter(4, now).setParameter(5, RunStatus.PLANNING.wire()).executeUpdate();
        return find("asOf", asOf).singleResult();
    }

    public List<BillingRun> unfinished() {
        return list("status in ?1 order by createdAt",
                List.of(RunStatus.PLANNING, RunStatus.RUNNING, RunStatus.COMPLETED_WITH_FAILURES));
    }

    public Optional<BillingRun> byId(UUID id) {
        return findByIdOptional(id);
    }
}
