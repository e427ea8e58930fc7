package io.accrue.invoice.enduser;

import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.persistence.LockModeType;

import io.quarkus.hibernate.orm.panache.PanacheRepositoryBase;

@ApplicationScoped
public class EndUserInvoiceRepository implements PanacheRepositoryBase<EndUserInvoice, UUID> {

    /**
     * One writer of an organisation's end-user invoices at a time, until the transaction ends, so an overlap check
     * and the inserts after it are atomic (native: a transaction-scoped advisory lock has no JPA form).
     */
    public void lockOrganisation(String orgId) {
        getEntityManager().createNativeQuery("SELECT pg_advisory_xact_lock(hashtext(?1))")
                .setParameter(1, "end-user-invoices:" + orgId).getSingleResult();
    }

    /** Whether the organisation has invoices for a period overlapping [start, end) that is not exactly it. */
    public boolean overlapsAnotherPeriod(String orgId, Instant start, Instant end) {
        return count("orgId = ?1 and periodStart < ?3 and periodEnd > ?2 and not (periodStart = ?2 and periodEnd = ?3)",
                orgId, start, end) > 0;
    }

    /**
     * Inserts the invoice unless its end user already has one for the period; false when it had (native: the
     * conflict is skipped in SQL, where a persist would abort the transaction).
     */
    public boolean insertOnce(EndUserInvoice i) {
        return getEntityManager().createNativeQuery("INSERT INTO end_user_invoices (id, org_id, end_user_id,"
                + " period_start, period_end, currency, total_tokens, requests, revenue_unrounded, amount,"
                + " application_fee_percent, application_fee, delivery, connected_account_id, status, created_at,"
                + " days_until_due) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17)"
                + " ON CONFLICT (org_id, end_user_id, period_start, period_end) DO NOTHING")
                .setParameter(1, i.id).setParameter(2, i.orgId).setParameter(3, i.endUserId)
                .setParameter(4, i.periodStart).setParameter(5, i.periodEnd).setParameter(6, i.currency)
                .setParameter(7, i.totalTokens).setParameter(8, i.requests).setParameter(9, i.revenueUnrounded)
                .setParameter(10, i.amount).setParameter(11, i.applicationFeePercent)
                .setParameter(12, i.applicationFee).setParameter(13, i.delivery)
                .setParameter(14, i.connectedAccountId).setParameter(15, i.status.wire()).setParameter(16, i.createdAt)
                .setParameter(17, i.daysUntilDue).executeUpdate() == 1;
    }

    /** The organisation's invoices of exactly [start, end), by end user. */
    public List<EndUserInvoice> ofPeriod(String orgId, Instant start, Instant end) {
        return list("orgId = ?1 and periodStart = ?2 and periodEnd = ?3 order by endUserId", orgId, start, end);
    }

    /** The invoice, row-locked until the caller's transaction ends. */
    public Optional<EndUserInvoice> lock(UUID id) {
        return findByIdOptional(id, LockModeType.PESSIMISTIC_WRITE);
    }
}
