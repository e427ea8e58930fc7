package io.accrue.subscription.lifecycle;

import java.util.Optional;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.persistence.EntityManager;

import io.accrue.common.time.RecordedData;
import io.quarkus.narayana.jta.QuarkusTransaction;

/**
 * The test clock goes back no further than the latest subscription event that occurred (a plan change, a
 * cancellation, a dunning move): before it, the timeline invoice-service bills from would hold a change from the
 * future. An event's effective instant may lie ahead on purpose (a cancellation at period end), so it is not counted.
 */
@ApplicationScoped
public class RecordedSubscriptionEvents implements RecordedData {

    private final EntityManager em;

    RecordedSubscriptionEvents(EntityManager em) {
        this.em = em;
    }

    @Override
    public Optional<Mark> latest() {
        Object value = QuarkusTransaction.requiringNew().call(() -> em.createNativeQuery(
                "SELECT max(occurred_at) FROM subscription_events").getSingleResult());
        return Optional.ofNullable(Mark.of(value, "the latest subscription event"));
    }
}
