package io.accrue.invoice.events;

import java.time.Clock;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.persistence.EntityManager;

import com.fasterxml.jackson.databind.ObjectMapper;

import io.accrue.common.outbox.JpaEventOutbox;
import io.accrue.invoice.client.NeighbourRejected;
import io.accrue.invoice.client.SubscriptionClient;
import io.accrue.invoice.client.SubscriptionRecords.PublishEvent;

/**
 * The billing events of invoice-service on their way to subscription-service's delivery system: common's
 * {@link JpaEventOutbox} on this service's database and its one subscription-service client. Recording the same fact
 * again (a rerun close, a redelivered Stripe event) is no second event.
 */
@ApplicationScoped
public class BillingEventOutbox extends JpaEventOutbox {

    private final SubscriptionClient subscriptions;

    BillingEventOutbox(EntityManager em, SubscriptionClient subscriptions, ObjectMapper json, Clock clock) {
        super(em, json, clock);
        this.subscriptions = subscriptions;
    }

    @Override
    protected void send(Pending event) {
        subscriptions.publish(new PublishEvent(event.id(), event.orgId(), event.type(), event.occurredAt().toString(),
                event.data()));
    }

    /** A 4xx is subscription-service's final answer (an unknown type, an id taken by another fact). */
    @Override
    protected boolean isFinal(RuntimeException failure) {
        return NeighbourRejected.in(failure) != null;
    }
}
