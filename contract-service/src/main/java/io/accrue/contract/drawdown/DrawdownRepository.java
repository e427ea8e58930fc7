package io.accrue.contract.drawdown;

import java.math.BigDecimal;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;

import io.quarkus.hibernate.orm.panache.PanacheRepositoryBase;

@ApplicationScoped
public class DrawdownRepository implements PanacheRepositoryBase<Drawdown, UUID> {

    public Optional<Drawdown> findByInvoice(String orgId, String invoiceId) {
        return find("orgId = ?1 and invoiceId = ?2", orgId, invoiceId).firstResultOptional();
    }

    public List<Drawdown> ofContract(UUID contractId) {
        return list("contractId = ?1 order by periodStart, recordedAt, id", contractId);
    }

    public List<Drawdown> ofContracts(java.util.Collection<UUID> contractIds) {
        if (contractIds.isEmpty()) {
            return List.of();
        }
        return list("contractId in ?1 order by contractId, periodStart, recordedAt, id", contractIds);
    }

    /**
     * Net consumption per commitment window start: what drawdowns consumed less what credit notes gave back of it
     * (a credited usage amount is not spend).
     */
    public Map<Instant, BigDecimal> consumedByWindow(UUID contractId) {
        Map<Instant, BigDecimal> out = new HashMap<>();
        getEntityManager().createQuery(
                "select d.windowStart, sum(d.amount) from Drawdown d where d.contractId = ?1 group by d.windowStart",
                Object[].class).setParameter(1, contractId).getResultList()
                .forEach(row -> out.put((Instant) row[0], (BigDecimal) row[1]));
        getEntityManager().createQuery("select r.windowStart, sum(r.consumption) from CreditReturn r"
                + " where r.contractId = ?1 and r.consumption > 0 group by r.windowStart", Object[].class)
                .setParameter(1, contractId).getResultList()
                .forEach(row -> out.merge((Instant) row[0], ((BigDecimal) row[1]).negate(), BigDecimal::add));
        return out;
    }

    public BigDecimal creditsApplied(UUID contractId) {
        BigDecimal sum = getEntityManager()
                .createQuery("select sum(d.creditsApplied) from Drawdown d where d.contractId = ?1", BigDecimal.class)
                .setParameter(1, contractId).getSingleResult();
        return sum == null ? BigDecimal.ZERO : sum;
    }

    /**
     * Inserts unless this organisation already recorded the invoice; true when this call inserted. The
     * unique constraint decides, so two concurrent first posts cannot both record.
     */
    public boolean insertIfAbsent(Drawdown d) {
        int rows = getEntityManager().createNativeQuery("""
                insert into drawdowns (id, contract_id, org_id, invoice_id, period_start, period_end, window_start,
                    currency, amount, credits_applied, recorded_at, recorded_by, after_true_up, reservation)
                values (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14)
                on conflict on constraint drawdowns_one_per_invoice do nothing""")
                .setParameter(1, d.id).setParameter(2, d.contractId).setParameter(3, d.orgId)
                .setParameter(4, d.invoiceId).setParameter(5, d.periodStart).setParameter(6, d.periodEnd)
                .setParameter(7, d.windowStart).setParameter(8, d.currency).setParameter(9, d.amount)
                .setParameter(10, d.creditsApplied).setParameter(11, d.recordedAt).setParameter(12, d.recordedBy)
                .setParameter(13, d.afterTrueUp).setParameter(14, d.reservation)
                .executeUpdate();
        return rows == 1;
    }
}
