package io.accrue.invoice.stripe;

import java.util.UUID;

import jakarta.persistence.EntityManager;

import io.quarkus.narayana.jta.QuarkusTransaction;

/**
 * What the two Stripe deliveries (organisation invoices, end-user invoices through Connect) share to be exactly
 * once: Stripe ids recorded the moment Stripe gives them, and idempotency keys that change generation when Stripe
 * may have kept an error answer under the old ones.
 */
public final class StripeProgress {

    private StripeProgress() {
    }

    /** The suffix of a key of generation {@code n}: none for generation 0 (the original keys), else {@code -g<n>}. */
    public static String generation(int n) {
        return n == 0 ? "" : "-g" + n;
    }

    /**
     * Records a Stripe id as soon as Stripe gave it, in a transaction of its own, whatever happens to the rest of the
     * attempt. {@code sql} takes the row id as {@code ?1} and {@code values} as {@code ?2…}.
     */
    public static void store(EntityManager em, String sql, UUID rowId, Object... values) {
        QuarkusTransaction.requiringNew().run(() -> {
            var query = em.createNativeQuery(sql).setParameter(1, rowId);
            for (int i = 0; i < values.length; i++) {
                query.setParameter(i + 2, values[i]);
            }
            query.executeUpdate();
        });
    }
}
