package io.accrue.invoice.correction;

import java.math.BigDecimal;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;

import io.quarkus.hibernate.orm.panache.PanacheRepositoryBase;

@ApplicationScoped
public class TimelineCorrectionRepository implements PanacheRepositoryBase<TimelineCorrectionEntry, UUID> {

    /** What timeline corrections have credited on an invoice (a report; the credit itself counts every credit note). */
    public BigDecimal creditedOn(UUID invoiceId) {
        BigDecimal sum = getEntityManager()
                .createQuery("select sum(c.amount) from TimelineCorrectionEntry c where c.invoiceId = ?1",
                        BigDecimal.class)
                .setParameter(1, invoiceId).getSingleResult();
        return sum == null ? BigDecimal.ZERO : sum;
    }
}
