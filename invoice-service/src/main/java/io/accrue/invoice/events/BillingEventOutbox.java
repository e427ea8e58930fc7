package io.accrue.invoice.events;

import java.time.Clock;
import java.time.Instant;
import java.util.Map;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.persistence.EntityManager;
import jakarta.transaction.Transactional;

import org.hibernate.Session;

import com.fasterxml.jackson.databind.ObjectMapper;

import io.accrue.common.outbox.OrderedEventOutbox;
import io.accrue.invoice.client.NeighbourRejected;
import io.accrue.invoice.client.SubscriptionClient;
import io.accrue.invoice.client.SubscriptionRecords.PublishEvent;
import io.quarkus.narayana.jta.QuarkusTransaction;

/**
 * The billing events of invoice-service on their way to subscription-service's delivery system: common's
 * {@link OrderedEventOutbox} on this service's database (Hibernate's connection) and its one subscription-service
 * client. Recording the same fact again (a rerun close, a redelivered Stripe event) is no second event.
 */
@ApplicationScoped
public class BillingEventOutbox extends OrderedEventOutbox {

    private final EntityManager em;
    private final SubscriptionClient subscriptions;

    BillingEventOutbox(EntityManager em, SubscriptionClient subscriptions, ObjectMapper json, Clock clock) {
        super(json, clock);
        this.em = em;
        this.subscriptions = subscriptions;
    }

    /** In the transaction of the fact it announces: a rolled-back fact announces nothing. */
    @Override
    @Transactional(Transactional.TxType.MANDATORY)
    public boolean record(String id, String orgId, String type, Instant occurredAt, Map<String, Object> data) {
        return super.record(id, orgId, type, occurredAt, data);
    }

    @Override
    protected <T> T inCallerTransaction(SqlWork<T> work) {
        return em.unwrap(Session.class).doReturningWork(work::run);
    }

    @Override
    protected <T> T inNewTransaction(SqlWork<T> work) {
        return QuarkusTransaction.requiringNew().call(() -> em.unwrap(Session.class).doReturningWork(work::run));
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
