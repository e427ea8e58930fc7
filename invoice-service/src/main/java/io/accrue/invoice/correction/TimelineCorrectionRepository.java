package io.accrue.invoice.correction;

import java.math.BigDecimal;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;

import io.quarkus.hibernate.orm.panache.PanacheRepositoryBase;

@ApplicationScoped
public class TimelineCorrectionRepository implements PanacheRepositoryBase<TimelineCorrectionEntry, UUID> {

    /**
     * What earlier corrections of an invoice changed of its base fee without a credit note (Σ reduction − credit):
     * what reductions kept as minimum top-ups, and (negative) every increase, which a supplementary invoice charged.
     */
    public BigDecimal absorbedOn(UUID invoiceId) {
        BigDecimal sum = getEntityManager().createQuery(
                "select sum(c.baseFeeReduction - c.amount) from TimelineCorrectionEntry c where c.invoiceId = ?1",
                BigDecimal.class).setParameter(1, invoiceId).getSingleResult();
        return sum == null ? BigDecimal.ZERO : sum;
    }

    public void recordTopUp(UUID correctionId, String minimumPeriod, java.time.Instant windowStart,
            java.time.Instant windowEnd, BigDecimal amount) {
        getEntityManager().createNativeQuery("insert into timeline_correction_top_ups (correction_id, minimum_period,"
                + " window_start, window_end, amount) values (?1, ?2, ?3, ?4, ?5)").setParameter(1, correctionId)
                .setParameter(2, minimumPeriod).setParameter(3, windowStart).setParameter(4, windowEnd)
                .setParameter(5, amount).executeUpdate();
    }

    /** Σ base-fee change of the invoice's corrections: reductions positive, increases negative. */
    public BigDecimal netReductionOn(UUID invoiceId) {
        BigDecimal sum = getEntityManager().createQuery(
                "select sum(c.baseFeeReduction) from TimelineCorrectionEntry c where c.invoiceId = ?1",
                BigDecimal.class).setParameter(1, invoiceId).getSingleResult();
        return sum == null ? BigDecimal.ZERO : sum;
    }

    /** Whether the increase these late events caused on the invoice was recorded already. */
    public boolean increaseRecorded(UUID invoiceId, String eventsKey) {
        return count("invoiceId = ?1 and eventsKey = ?2 and baseFeeReduction < 0", invoiceId, eventsKey) > 0;
    }

    /** What timeline corrections have credited on an invoice (a report; the credit itself counts every credit note). */
    public BigDecimal creditedOn(UUID invoiceId) {
        BigDecimal sum = getEntityManager()
                .createQuery("select sum(c.amount) from TimelineCorrectionEntry c where c.invoiceId = ?1",
                        BigDecimal.class)
                .setParameter(1, invoiceId).getSingleResult();
        return sum == null ? BigDecimal.ZERO : sum;
    }
}
