package io.accrue.invoice.stripe;

import java.time.Instant;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.persistence.EntityManager;

/** The Stripe events received, each recorded once by its id: the de-duplication of redelivered webhooks. */
@ApplicationScoped
public class StripeEventRepository {

    private final EntityManager em;

    StripeEventRepository(EntityManager em) {
        this.em = em;
    }

    /**
     * Records the event with what it did; false when it was recorded before, a redelivery (native: the conflict is
     * skipped in SQL, so two replicas receiving the same event never abort one another's transaction).
     */
    public boolean recordOnce(String eventId, String type, UUID invoiceId, UUID endUserInvoiceId, Instant at,
            String outcome) {
        return em.createNativeQuery("INSERT INTO stripe_events (event_id, type, invoice_id, end_user_invoice_id,"
                + " received_at, outcome) VALUES (?1, ?2, ?3, ?4, ?5, ?6) ON CONFLICT (event_id) DO NOTHING")
                .setParameter(1, eventId).setParameter(2, type).setParameter(3, invoiceId)
                .setParameter(4, endUserInvoiceId).setParameter(5, at).setParameter(6, outcome)
                .executeUpdate() == 1;
    }
}
