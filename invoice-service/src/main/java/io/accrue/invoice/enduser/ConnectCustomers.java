package io.accrue.invoice.enduser;

import java.time.Instant;
import java.util.List;
import java.util.Optional;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.persistence.EntityManager;

import io.quarkus.narayana.jta.QuarkusTransaction;

/**
 * Which Stripe customer stands for an end user on an organisation's connected account. Remembered in a transaction
 * of its own the moment Stripe answers, so a delivery that fails later does not forget a customer that exists.
 */
@ApplicationScoped
class ConnectCustomers {

    private final EntityManager em;

    ConnectCustomers(EntityManager em) {
        this.em = em;
    }

    Optional<String> stored(String orgId, String accountId, String endUserId) {
        @SuppressWarnings("unchecked")
        List<String> ids = em.createNativeQuery("SELECT stripe_customer_id FROM connect_customers"
                + " WHERE org_id = ?1 AND connected_account_id = ?2 AND end_user_id = ?3", String.class)
                .setParameter(1, orgId).setParameter(2, accountId).setParameter(3, endUserId).getResultList();
        return ids.stream().findFirst();
    }

    /** Stores the mapping unless one exists; returns the stored customer, which every invoice then uses. */
    String remember(String orgId, String accountId, String endUserId, String customerId, Instant now) {
        return QuarkusTransaction.requiringNew().call(() -> {
            em.createNativeQuery("INSERT INTO connect_customers (org_id, connected_account_id, end_user_id,"
                    + " stripe_customer_id, created_at) VALUES (?1, ?2, ?3, ?4, ?5)"
                    + " ON CONFLICT (org_id, connected_account_id, end_user_id) DO NOTHING")
                    .setParameter(1, orgId).setParameter(2, accountId).setParameter(3, endUserId)
                    .setParameter(4, customerId).setParameter(5, now).executeUpdate();
            return stored(orgId, accountId, endUserId).orElseThrow();
        });
    }
}
