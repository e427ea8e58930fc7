package io.accrue.invoice.invoices;

import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.persistence.LockModeType;

import io.quarkus.hibernate.orm.panache.PanacheRepositoryBase;

@ApplicationScoped
public class BillingPeriodRepository implements PanacheRepositoryBase<BillingPeriod, UUID> {

    /** The most recent invoiced periods before {@code before}, newest first: where late usage may land. */
    public List<BillingPeriod> closedBefore(String orgId, Instant before, int max) {
        return find("orgId = ?1 and periodEnd <= ?2 and closedAt is not null and status = ?3"
                + " order by periodEnd desc", orgId, before, PeriodStatus.INVOICED).page(0, max).list();
    }

    /** Records an ended period as unbilled unless the ledger knows it already; safe to repeat and to race. */
    public void addUnbilledOnce(String orgId, Instant start, Instant end, Instant now) {
        getEntityManager().createNativeQuery("INSERT INTO billing_periods "
                + "(id, org_id, period_start, period_end, status, attempts, first_seen_at, next_attempt_at) "
                + "VALUES (?1, ?2, ?3, ?4, 'unbilled', 0, ?5, ?5) "
                + "ON CONFLICT ON CONSTRAINT billing_periods_once DO NOTHING")
                .setParameter(1, UUID.randomUUID()).setParameter(2, orgId).setParameter(3, start)
                .setParameter(4, end).setParameter(5, now).executeUpdate();
    }

    public Optional<BillingPeriod> find(String orgId, Instant start, Instant end) {
        return find("orgId = ?1 and periodStart = ?2 and periodEnd = ?3", orgId, start, end).firstResultOptional();
    }

    /** The period's row, locked until the caller's transaction ends. */
    public Optional<BillingPeriod> lock(String orgId, Instant start, Instant end) {
        return find("orgId = ?1 and periodStart = ?2 and periodEnd = ?3", orgId, start, end)
                .withLock(LockModeType.PESSIMISTIC_WRITE).firstResultOptional();
    }

    /** Unbilled periods of an organisation, oldest first. */
    public List<BillingPeriod> unbilled(String orgId) {
        return list("orgId = ?1 and status = ?2 order by periodStart", orgId, PeriodStatus.UNBILLED);
    }

    /** Whether an unbilled period ends at or before {@code end} (periods are closed in order). */
    public boolean unbilledBefore(String orgId, Instant start) {
        return count("orgId = ?1 and status = ?3 and periodEnd <= ?2", orgId, start, PeriodStatus.UNBILLED) > 0;
    }

    /** Every unbilled period (of one organisation, or all when null), oldest first. */
    public List<BillingPeriod> allUnbilled(String orgId, int max) {
        if (orgId == null) {
            return find("status = ?1 order by periodEnd, orgId", PeriodStatus.UNBILLED).page(0, max).list();
        }
        return find("status = ?2 and orgId = ?1 order by periodEnd", orgId, PeriodStatus.UNBILLED).page(0, max).list();
    }

    /** Organisations whose oldest unbilled period is due for another attempt. */
    public List<String> orgsDueForRetry(Instant now, int max) {
        return getEntityManager().createQuery("select distinct p.orgId from BillingPeriod p where p.status = :unbilled"
                + " and p.nextAttemptAt <= :now", String.class).setParameter("unbilled", PeriodStatus.UNBILLED)
                .setParameter("now", now).setMaxResults(max)
                .getResultList();
    }

    /** Count of unbilled periods and the end of the oldest one (null when none). */
    public Object[] unbilledSummary() {
        return getEntityManager()
                .createQuery("select count(p), min(p.periodEnd) from BillingPeriod p where p.status = :unbilled",
                        Object[].class)
                .setParameter("unbilled", PeriodStatus.UNBILLED).getSingleResult();
    }
}
