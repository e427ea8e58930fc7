package io.accrue.invoice.invoices;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.time.Instant;
import java.util.UUID;

import jakarta.inject.Inject;
import jakarta.persistence.EntityManager;

import org.junit.jupiter.api.Test;

import io.accrue.invoice.numbering.InvoiceNumbering;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.test.junit.QuarkusTest;

/** Invariant 3 and gapless numbering, tried against the database directly. */
@QuarkusTest
class FinalisedInvoiceInvariantsTest {

    @Inject
    InvoiceFixtures fixtures;
    @Inject
    EntityManager em;
    @Inject
    InvoiceNumbering numbering;

    @Test
    void aFinalisedInvoiceAndItsLinesCannotBeChangedEvenBySql() {
        Invoice inv = fixtures.insert("frozen-" + UUID.randomUUID(), "open", Instant.parse("2026-01-01T00:00:00Z"),
                Instant.parse("2026-02-01T00:00:00Z"), "USD", "99.00", "7.50");
        for (String sql : new String[]{
                "UPDATE invoices SET total = 1 WHERE id = ?1",
                "UPDATE invoices SET number = 'INV-999999' WHERE id = ?1",
                "UPDATE invoices SET status = 'draft', number = NULL WHERE id = ?1",
                "UPDATE invoice_lines SET amount = 0 WHERE invoice_id = ?1",
                "DELETE FROM invoice_lines WHERE invoice_id = ?1",
                "INSERT INTO invoice_lines (id, invoice_id, position, type, description, quantity, amount, period_start,"
                        + " period_end) VALUES (gen_random_uuid(), ?1, 9, 'base_fee', 'x', 1, 1, now(), now())"}) {
            assertThrows(Exception.class, () -> QuarkusTransaction.requiringNew().run(
                    () -> em.createNativeQuery(sql).setParameter(1, inv.id).executeUpdate()), sql);
        }
        // the status may still move on
        QuarkusTransaction.requiringNew().run(() -> em.createNativeQuery(
                "UPDATE invoices SET status = 'paid' WHERE id = ?1").setParameter(1, inv.id).executeUpdate());
        Invoice after = QuarkusTransaction.requiringNew().call(() -> em.find(Invoice.class, inv.id));
        assertEquals("paid", after.status.wire());
        assertEquals(0, new java.math.BigDecimal("106.50").compareTo(after.total));
    }

    @Test
    void aRolledBackFinalisationGivesItsNumberBack() {
        String series = "T" + UUID.randomUUID().toString().substring(0, 6);
        assertEquals(series + "-000001", QuarkusTransaction.requiringNew().call(() -> numbering.next(series)));
        assertThrows(IllegalStateException.class, () -> QuarkusTransaction.requiringNew().run(() -> {
            numbering.next(series);
            throw new IllegalStateException("crash after taking a number");
        }));
        assertEquals(series + "-000002", QuarkusTransaction.requiringNew().call(() -> numbering.next(series)));
    }

    @Test
    void concurrentFinalisationsGetDistinctConsecutiveNumbers() throws Exception {
        String series = "C" + UUID.randomUUID().toString().substring(0, 6);
        var pool = java.util.concurrent.Executors.newFixedThreadPool(4);
        try {
            var futures = new java.util.ArrayList<java.util.concurrent.Future<String>>();
            for (int i = 0; i < 20; i++) {
                futures.add(pool.submit(() -> QuarkusTransaction.requiringNew().call(() -> numbering.next(series))));
            }
            var numbers = new java.util.TreeSet<String>();
            for (var f : futures) {
                numbers.add(f.get());
            }
            assertEquals(20, numbers.size());
            assertEquals(series + "-000001", numbers.first());
            assertEquals(series + "-000020", numbers.last());
        } finally {
            pool.shutdownNow();
        }
    }
}
