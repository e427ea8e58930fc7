package io.accrue.invoice.invoices;

import java.util.Optional;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.persistence.EntityManager;

import io.accrue.common.time.RecordedData;
import io.quarkus.narayana.jta.QuarkusTransaction;

/**
 * The test clock goes back no further than the latest invoice issued (which is after its period's end) or billing
 * run's as-of: before it, periods already invoiced would not have ended yet.
 */
@ApplicationScoped
public class RecordedInvoices implements RecordedData {

    private final EntityManager em;

    RecordedInvoices(EntityManager em) {
        this.em = em;
    }

    @Override
    public Optional<Mark> latest() {
        Object[] row = QuarkusTransaction.requiringNew().call(() -> (Object[]) em.createNativeQuery(
                "SELECT (SELECT max(issued_at) FROM invoices), (SELECT max(as_of) FROM billing_runs)")
                .getSingleResult());
        return RecordedData.latestOf(Mark.of(row[0], "the latest invoice issued"),
                Mark.of(row[1], "the as-of instant of the latest billing run"));
    }
}
