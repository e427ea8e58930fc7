package io.accrue.contract.credits;

import java.math.BigDecimal;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.persistence.EntityManager;

import io.accrue.contract.drawdown.DrawdownRepository;

/**
 * What a contract's prepaid credits are committed to: applied by recorded drawdowns, minus what credit notes gave
 * back, plus what open period closes hold. Every balance (terms, utilization, the drawdown and reservation checks)
 * is the grant minus this, so credits held for an invoice whose drawdown has not arrived yet are never offered to
 * another close.
 */
@ApplicationScoped
public class CreditLedger {

    private final EntityManager em;
    private final DrawdownRepository drawdowns;

    CreditLedger(EntityManager em, DrawdownRepository drawdowns) {
        this.em = em;
        this.drawdowns = drawdowns;
    }

    /** Applied minus returned plus held. */
    public BigDecimal committed(UUID contractId) {
        return applied(contractId).add(held(contractId, null));
    }

    /** Applied by drawdowns minus given back by credit notes: the net credits invoices have used. */
    public BigDecimal applied(UUID contractId) {
        return drawdowns.creditsApplied(contractId).subtract(returned(contractId));
    }

    /** Held by open reservations, leaving one reference out (the caller's own). */
    public BigDecimal held(UUID contractId, String exceptReference) {
        String jpql = "select sum(r.amount) from CreditReservation r where r.contractId = ?1 and r.status = ?2";
        var query = exceptReference == null
                ? em.createQuery(jpql, BigDecimal.class)
                : em.createQuery(jpql + " and r.reference <> ?3", BigDecimal.class).setParameter(3, exceptReference);
        BigDecimal sum = query.setParameter(1, contractId).setParameter(2, CreditReservation.Status.HELD)
                .getSingleResult();
        return sum == null ? BigDecimal.ZERO : sum;
    }

    public BigDecimal returned(UUID contractId) {
        BigDecimal sum = em.createQuery("select sum(r.amount) from CreditReturn r where r.contractId = ?1",
                BigDecimal.class).setParameter(1, contractId).getSingleResult();
        return sum == null ? BigDecimal.ZERO : sum;
    }

    public BigDecimal returnedFor(String orgId, String invoiceId) {
        BigDecimal sum = em.createQuery("select sum(r.amount) from CreditReturn r where r.orgId = ?1"
                + " and r.invoiceId = ?2", BigDecimal.class).setParameter(1, orgId).setParameter(2, invoiceId)
                .getSingleResult();
        return sum == null ? BigDecimal.ZERO : sum;
    }

    public BigDecimal consumptionReturnedFor(String orgId, String invoiceId) {
        BigDecimal sum = em.createQuery("select sum(r.consumption) from CreditReturn r where r.orgId = ?1"
                + " and r.invoiceId = ?2", BigDecimal.class).setParameter(1, orgId).setParameter(2, invoiceId)
                .getSingleResult();
        return sum == null ? BigDecimal.ZERO : sum;
    }

    public Optional<CreditReservation> reservation(String orgId, String reference) {
        return em.createQuery("select r from CreditReservation r where r.orgId = ?1 and r.reference = ?2",
                CreditReservation.class).setParameter(1, orgId).setParameter(2, reference).getResultStream()
                .findFirst();
    }

    public List<CreditReservation> reservations(UUID contractId) {
        return em.createQuery("select r from CreditReservation r where r.contractId = ?1 order by r.createdAt, r.id",
                CreditReservation.class).setParameter(1, contractId).getResultList();
    }

    public Optional<CreditReturn> creditReturn(String orgId, String creditNoteId) {
        return em.createQuery("select r from CreditReturn r where r.orgId = ?1 and r.creditNoteId = ?2",
                CreditReturn.class).setParameter(1, orgId).setParameter(2, creditNoteId).getResultStream()
                .findFirst();
    }

    public List<CreditReturn> returns(UUID contractId) {
        return em.createQuery("select r from CreditReturn r where r.contractId = ?1 order by r.recordedAt, r.id",
                CreditReturn.class).setParameter(1, contractId).getResultList();
    }

    public void persist(Object entity) {
        em.persist(entity);
    }
}
