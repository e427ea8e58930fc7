package io.accrue.contract.events;

import java.time.Clock;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.persistence.EntityManager;

import com.fasterxml.jackson.databind.ObjectMapper;

import io.accrue.common.outbox.JpaEventOutbox;
import io.accrue.contract.client.SubscriptionClient;
import io.accrue.contract.client.SubscriptionClient.PublishEvent;

/**
 * The billing events of contract-service on their way to subscription-service's delivery system: common's
 * {@link JpaEventOutbox} on this service's database and its one subscription-service client. Recording the same fact
 * again (the next run of the renewal-reminder job) is no second event.
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
        return SubscriptionClient.Rejected.in(failure) != null;
    }
}
