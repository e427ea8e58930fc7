package io.accrue.common.outbox;

import java.sql.Connection;
import java.time.Clock;
import java.time.Instant;
import java.util.Map;

import jakarta.persistence.EntityManager;
import jakarta.transaction.Transactional;

import com.fasterxml.jackson.databind.ObjectMapper;

import io.quarkus.narayana.jta.QuarkusTransaction;

/**
 * {@link OrderedEventOutbox} on a service's JPA database: the JDBC work runs on the connection of the persistence
 * context (so an event is written in the transaction of the entity change it announces), a send in a transaction of
 * its own. A service's bean says only how it reaches subscription-service ({@link #send}) and which answers are final
 * ({@link #isFinal}); invoice-service and contract-service use it.
 */
public abstract class JpaEventOutbox extends OrderedEventOutbox {

    private final EntityManager em;

    /** For CDI's client proxies of a subclass bean, which delegate every call and use no state of their own. */
    protected JpaEventOutbox() {
        this(null, null, null);
    }

    protected JpaEventOutbox(EntityManager em, ObjectMapper json, Clock clock) {
        super(json, clock);
        this.em = em;
    }

    /** In the transaction of the fact it announces: a rolled-back fact announces nothing. */
    @Override
    @Transactional(Transactional.TxType.MANDATORY)
    public boolean record(String id, String orgId, String type, Instant occurredAt, Map<String, Object> data) {
        return super.record(id, orgId, type, occurredAt, data);
    }

    @Override
    protected <T> T inCallerTransaction(SqlWork<T> work) {
        return em.callWithConnection((Connection c) -> work.run(c));
    }

    @Override
    protected <T> T inNewTransaction(SqlWork<T> work) {
        return QuarkusTransaction.requiringNew().call(() -> inCallerTransaction(work));
    }
}
