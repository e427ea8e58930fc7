package io.accrue.invoice.minimum;

import java.math.BigDecimal;
import java.time.Instant;
import java.util.List;
import java.util.Map;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.persistence.EntityManager;

import io.accrue.invoice.compute.ContractTerms;
import io.accrue.invoice.compute.ContractTerms.MinimumSpend;
import io.accrue.invoice.invoices.InvoiceStatus;

/**
 * What earlier invoices charged toward a contract's minimum spend window (docs/billing-rules.md, "Invoices", rule
 * 8a): the charge lines of the invoices of the window (period start in {@code [windowStart, before)}), not void,
 * without prepaid credits and without the top-ups of this minimum or of a longer one (a monthly top-up counts
 * toward a quarterly minimum; never the other way round).
 */
@ApplicationScoped
public class MinimumSpendLedger {

    private static final Map<String, Integer> MONTHS = Map.of("monthly", 1, "quarterly", 3, "annual", 12);

    private final EntityManager em;

    MinimumSpendLedger(EntityManager em) {
        this.em = em;
    }

    // read before the close's short write transaction: its own read transaction (the run worker has no context)
    @jakarta.transaction.Transactional
    public ContractTerms fill(String orgId, ContractTerms contract, Instant periodStart) {
        if (contract == null || contract.minimums().isEmpty()) {
            return contract;
        }
        return contract.withMinimums(contract.minimums().stream()
                .map(m -> m.withSpentBefore(spentBefore(orgId, contract.contractId(), m, periodStart))).toList());
    }

    /**
     * What the window's invoices with a period start before {@code before} charge toward the minimum: their charge
     * lines (as above), less the base fee that timeline corrections found no longer owed (rule 12a: the window is
     * charged as if the late change had been recorded on time), plus the top-ups such corrections kept for shorter
     * minimums. Manual credit notes do not count: a refund an operator grants is a concession, not a smaller spend.
     */
    public BigDecimal spentBefore(String orgId, String contractId, MinimumSpend m, Instant before) {
        List<String> notCounted = notCounted(m);
        BigDecimal lines = chargedBefore(orgId, contractId, m, before, notCounted);
        Object reduced = em
                .createNativeQuery("select coalesce(sum(c.base_fee_reduction), 0) from timeline_corrections c"
                        + " join invoices i on i.id = c.invoice_id where i.org_id = ?1 and i.contract_id = ?2"
                        + " and i.kind = 'invoice' and i.status <> 'void' and i.period_start >= ?3 and i.period_start < ?4")
                .setParameter(1, orgId).setParameter(2, contractId).setParameter(3, m.windowStart())
                .setParameter(4, before).getSingleResult();
        Object shorter = em.createNativeQuery("select coalesce(sum(t.amount), 0) from timeline_correction_top_ups t"
                + " join timeline_corrections c on c.id = t.correction_id join invoices i on i.id = c.invoice_id"
                + " where i.org_id = ?1 and i.contract_id = ?2 and i.kind = 'invoice' and i.status <> 'void'"
                + " and i.period_start >= ?3 and i.period_start < ?4 and t.minimum_period not in (?5)")
                .setParameter(1, orgId).setParameter(2, contractId).setParameter(3, m.windowStart())
                .setParameter(4, before).setParameter(5, notCounted).getSingleResult();
        return lines.subtract(decimal(reduced)).add(decimal(shorter));
    }

    /**
     * What the window was topped up toward this minimum so far: its top-up lines and the top-ups timeline
     * corrections kept for it.
     */
    public BigDecimal toppedUp(String orgId, String contractId, MinimumSpend m) {
        BigDecimal lines = em.createQuery("select coalesce(sum(l.amount), 0) from InvoiceLine l, Invoice i"
                + " where l.invoiceId = i.id and i.orgId = :org and i.contractId = :c and i.kind = 'invoice'"
                + " and i.status <> :void and i.periodStart >= :from and i.periodStart < :to"
                + " and l.type = 'minimum_top_up' and l.meter = :period", BigDecimal.class)
                .setParameter("void", InvoiceStatus.VOID).setParameter("org", orgId).setParameter("c", contractId)
                .setParameter("from", m.windowStart())
                .setParameter("to", m.windowEnd()).setParameter("period", m.period()).getSingleResult();
        Object kept = em.createNativeQuery("select coalesce(sum(t.amount), 0) from timeline_correction_top_ups t"
                + " join timeline_corrections c on c.id = t.correction_id join invoices i on i.id = c.invoice_id"
                + " where i.org_id = ?1 and i.contract_id = ?2 and t.minimum_period = ?3 and t.window_start = ?4")
                .setParameter(1, orgId).setParameter(2, contractId).setParameter(3, m.period())
                .setParameter(4, m.windowStart()).getSingleResult();
        return (lines == null ? BigDecimal.ZERO : lines).add(decimal(kept));
    }

    /** Whether the invoice ending the minimum's window was issued (the window's top-up is settled). */
    public boolean settled(String orgId, String contractId, MinimumSpend m) {
        Long n = em.createQuery("select count(i) from Invoice i where i.orgId = :org and i.kind = 'invoice'"
                + " and i.status <> :void and i.periodStart < :end and i.periodEnd >= :end", Long.class)
                .setParameter("void", InvoiceStatus.VOID).setParameter("org", orgId).setParameter("end", m.windowEnd())
                .getSingleResult();
        return n != null && n > 0;
    }

    private static List<String> notCounted(MinimumSpend m) {
        return MONTHS.entrySet().stream().filter(e -> e.getValue() >= m.months()).map(Map.Entry::getKey).toList();
    }

    private static BigDecimal decimal(Object o) {
        return o == null ? BigDecimal.ZERO : new BigDecimal(o.toString());
    }

    private BigDecimal chargedBefore(String orgId, String contractId, MinimumSpend m, Instant before,
            List<String> notCounted) {
        BigDecimal sum = em.createQuery("select coalesce(sum(l.amount), 0) from InvoiceLine l, Invoice i"
                + " where l.invoiceId = i.id and i.orgId = :org and i.contractId = :c and i.kind = 'invoice'"
                + " and i.status <> :void and i.periodStart >= :from and i.periodStart < :before"
                + " and l.type <> 'prepaid_credit'"
                + " and not (l.type = 'minimum_top_up' and l.meter in :notCounted)", BigDecimal.class)
                .setParameter("void", InvoiceStatus.VOID).setParameter("org", orgId).setParameter("c", contractId)
                .setParameter("from", m.windowStart())
                .setParameter("before", before).setParameter("notCounted", notCounted).getSingleResult();
        return sum == null ? BigDecimal.ZERO : sum;
    }
}
