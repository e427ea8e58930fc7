package io.accrue.invoice.minimum;

import java.math.BigDecimal;
import java.time.Instant;
import java.util.List;
import java.util.Map;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.persistence.EntityManager;

import io.accrue.invoice.compute.ContractTerms;
import io.accrue.invoice.compute.ContractTerms.MinimumSpend;

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

    BigDecimal spentBefore(String orgId, String contractId, MinimumSpend m, Instant before) {
        List<String> notCounted = MONTHS.entrySet().stream().filter(e -> e.getValue() >= m.months())
                .map(Map.Entry::getKey).toList();
        BigDecimal sum = em.createQuery("select coalesce(sum(l.amount), 0) from InvoiceLine l, Invoice i"
                + " where l.invoiceId = i.id and i.orgId = :org and i.contractId = :c and i.kind = 'invoice'"
                + " and i.status <> 'void' and i.periodStart >= :from and i.periodStart < :before"
                + " and l.type <> 'prepaid_credit'"
                + " and not (l.type = 'minimum_top_up' and l.meter in :notCounted)", BigDecimal.class)
                .setParameter("org", orgId).setParameter("c", contractId).setParameter("from", m.windowStart())
                .setParameter("before", before).setParameter("notCounted", notCounted).getSingleResult();
        return sum == null ? BigDecimal.ZERO : sum;
    }
}
