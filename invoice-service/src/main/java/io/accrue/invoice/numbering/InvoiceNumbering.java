package io.accrue.invoice.numbering;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.persistence.EntityManager;
import jakarta.transaction.Transactional;

/**
 * Gapless numbers per series. The counter row is incremented with {@code UPDATE … RETURNING}, which locks it
 * until the finalising transaction ends: a concurrent finalisation waits, and a rollback returns the number,
 * so numbers are sequential with no gaps and no duplicates.
 */
@ApplicationScoped
public class InvoiceNumbering {

    private final EntityManager em;

    InvoiceNumbering(EntityManager em) {
        this.em = em;
    }

    /** Must run inside the transaction that finalises the invoice. */
    @Transactional(Transactional.TxType.MANDATORY)
    public String next(String series) {
        em.createNativeQuery("INSERT INTO invoice_number_counters (series, last_value) VALUES (?1, 0) "
                + "ON CONFLICT (series) DO NOTHING").setParameter(1, series).executeUpdate();
        Number value = (Number) em.createNativeQuery(
                "UPDATE invoice_number_counters SET last_value = last_value + 1 WHERE series = ?1 RETURNING last_value")
                .setParameter(1, series).getSingleResult();
        return format(series, value.longValue());
    }

    public static String format(String series, long value) {
        return series + "-" + String.format("%06d", value);
    }
}
