package io.accrue.invoice.correction;

import java.math.BigDecimal;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;

import io.quarkus.hibernate.orm.panache.PanacheRepositoryBase;

@ApplicationScoped
public class TimelineCorrectionRepository implements PanacheRepositoryBase<TimelineCorrectionEntry, UUID> {

    /** What earlier corrections of an invoice kept as minimum top-ups instead of crediting (Σ reduction − credit). */
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

    /** What timeline corrections have credited on an invoice (a report; the credit itself counts every credit note). */
    public BigDecimal creditedOn(UUID invoiceId) {
        BigDecimal sum = getEntityManager()
                .createQuery("select sum(c.amount) from TimelineCorrectionEntry c where c.invoiceId = ?1",
                        BigDecimal.class)
                .setParameter(1, invoiceId).getSingleResult();
        return sum == null ? BigDecimal.ZERO : sum;
    }
}
