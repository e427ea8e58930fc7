package io.accrue.invoice.invoices;

import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;

import io.quarkus.hibernate.orm.panache.PanacheRepositoryBase;
import io.quarkus.panache.common.Parameters;

@ApplicationScoped
public class InvoiceRepository implements PanacheRepositoryBase<Invoice, UUID> {

    /** What the list can be narrowed by; null members do not filter. */
    public record Filter(String orgId, InvoiceStatus status, Instant periodFrom, Instant periodTo) {}

    /** The sort key of the last row of the previous page (newest period first, then id). */
    public record After(Instant periodStart, UUID id) {}

    /**
     * One keyset page, newest period first. Rows written between two page reads land either before the
     * cursor (not shown) or after it (shown once): no row is skipped or repeated.
     */
    public List<Invoice> page(Filter filter, After after, int limit) {
        StringBuilder q = new StringBuilder("1 = 1");
        Parameters p = new Parameters();
        if (filter.orgId() != null) {
            q.append(" and orgId = :org");
            p.and("org", filter.orgId());
        }
        if (filter.status() != null) {
            q.append(" and status = :status");
            p.and("status", filter.status());
        }
        if (filter.periodFrom() != null) {
            q.append(" and periodStart >= :from");
            p.and("from", filter.periodFrom());
        }
        if (filter.periodTo() != null) {
            q.append(" and periodEnd <= :to");
            p.and("to", filter.periodTo());
        }
        if (after != null) {
            q.append(" and (periodStart < :afterStart or (periodStart = :afterStart and id < :afterId))");
            p.and("afterStart", after.periodStart()).and("afterId", after.id());
        }
        q.append(" order by periodStart desc, id desc");
        return find(q.toString(), p).page(0, limit).list();
    }

    /**
     * What earlier invoices of a commitment window drew from the contract's commitment, net of what their (not
     * voided) credit notes gave back: the true-up is computed on net spend.
     */
    public java.math.BigDecimal drawnFromCommitment(String orgId, String contractId, Instant windowStart,
            Instant before) {
        java.math.BigDecimal sum = getEntityManager().createQuery(
                "select coalesce(sum(i.commitmentDrawdown), 0) from Invoice i where i.orgId = :org and i.contractId = :c"
                        + " and i.kind = 'invoice' and i.periodStart >= :from and i.periodEnd <= :before",
                java.math.BigDecimal.class)
                .setParameter("org", orgId).setParameter("c", contractId).setParameter("from", windowStart)
                .setParameter("before", before).getSingleResult();
        java.math.BigDecimal returned = getEntityManager().createQuery(
                "select coalesce(sum(n.commitmentReturned), 0) from Invoice n, Invoice i"
                        + " where n.correctsInvoiceId = i.id and n.status <> :void and i.orgId = :org"
                        + " and i.contractId = :c and i.kind = 'invoice' and i.periodStart >= :from"
                        + " and i.periodEnd <= :before",
                java.math.BigDecimal.class)
                .setParameter("void", InvoiceStatus.VOID).setParameter("org", orgId).setParameter("c", contractId)
                .setParameter("from", windowStart)
                .setParameter("before", before).getSingleResult();
        return (sum == null ? java.math.BigDecimal.ZERO : sum)
                .subtract(returned == null ? java.math.BigDecimal.ZERO : returned);
    }

    /**
     * Moves the invoice's Stripe idempotency keys to the next generation and reloads it (native: the invoice is
     * versioned and a webhook may be moving its status meanwhile, so a full-row update could undo that move).
     */
    public void nextStripeKeyGeneration(Invoice invoice) {
        getEntityManager()
                .createNativeQuery(
                        "UPDATE invoices SET stripe_key_generation = stripe_key_generation + 1 WHERE id = ?1")
                .setParameter(1, invoice.id).executeUpdate();
        getEntityManager().refresh(invoice);
    }

    public Optional<Invoice> findInOrg(String orgId, UUID id) {
        return find("orgId = ?1 and id = ?2", orgId, id).firstResultOptional();
    }

    public Optional<Invoice> findForPeriod(String orgId, Instant start, Instant end) {
        return find("orgId = ?1 and periodStart = ?2 and periodEnd = ?3 and kind = ?4", orgId, start, end,
                Invoice.KIND_INVOICE).firstResultOptional();
    }
}
