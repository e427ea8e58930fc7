package io.accrue.invoice.events;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.persistence.EntityManager;
import jakarta.transaction.Transactional;

import org.hibernate.Session;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.accrue.common.outbox.LeasedClaims;
import io.accrue.common.outbox.LeasedClaims.Claim;
import io.accrue.common.retry.Backoff;
import io.quarkus.narayana.jta.QuarkusTransaction;

/**
 * The billing events of invoice-service on their way to subscription-service's delivery system (docs/webhooks.md).
 * An event is recorded in the transaction of the fact it announces, under its stable id: recording the same fact
 * again (a rerun close, a redelivered Stripe event) is a no-op, so each fact is one event. {@link
 * BillingEventDelivery} sends them.
 */
@ApplicationScoped
public class BillingEventOutbox {

    /** Events are sent this long after they were recorded, as long as subscription-service retries its deliveries. */
    static final Duration SEND_WINDOW = Duration.ofDays(3);

    /** One pending event, oldest due first (then in recording order); a send is one short HTTP call. */
    static final LeasedClaims QUEUE = new LeasedClaims("billing_event_outbox", "event_id", "status = 'pending'",
            "next_attempt_at, seq", Duration.ofMinutes(2), Backoff.DELIVERY);

    /** A recorded event as it is sent. */
    public record Pending(String id, long seq, String orgId, String type, Instant occurredAt, String payload,
            Instant giveUpAt) {}

    private final EntityManager em;
    private final ObjectMapper json;
    private final Clock clock;

    BillingEventOutbox(EntityManager em, ObjectMapper json, Clock clock) {
        this.em = em;
        this.json = json;
        this.clock = clock;
    }

    /**
     * Records an event in the caller's transaction; an id recorded before keeps its first version.
     *
     * @return true when this call recorded it
     */
    @Transactional(Transactional.TxType.MANDATORY)
    public boolean record(String id, String orgId, String type, Instant occurredAt, Map<String, Object> data) {
        Instant now = clock.instant();
        return em.createNativeQuery("INSERT INTO billing_event_outbox (event_id, org_id, type, occurred_at, payload,"
                + " status, next_attempt_at, give_up_at, created_at) VALUES (?1, ?2, ?3, ?4, ?5, 'pending', ?6, ?7, ?6)"
                + " ON CONFLICT (event_id) DO NOTHING")
                .setParameter(1, id).setParameter(2, orgId).setParameter(3, type).setParameter(4, occurredAt)
                .setParameter(5, write(data)).setParameter(6, now).setParameter(7, now.plus(SEND_WINDOW))
                .executeUpdate() == 1;
    }

    /** Claims one due event under a lease, in a transaction of its own (committed before the send). */
    Optional<Claim<String>> claimDue(Instant now) {
        return QuarkusTransaction.requiringNew().call(() -> em.unwrap(Session.class)
                .doReturningWork(c -> QUEUE.claim(c, String.class, now, 1)).stream().findFirst());
    }

    /** The claimed event, row-locked for the sending transaction, while it is pending and no other worker holds it. */
    Optional<Pending> lockPending(String id) {
        @SuppressWarnings("unchecked")
        List<Object[]> rows = em.createNativeQuery("SELECT event_id, seq, org_id, type, occurred_at, payload,"
                + " give_up_at FROM billing_event_outbox WHERE event_id = ?1 AND status = 'pending'"
                + " FOR UPDATE SKIP LOCKED").setParameter(1, id).getResultList();
        return rows.stream().findFirst().map(r -> new Pending((String) r[0], ((Number) r[1]).longValue(),
                (String) r[2], (String) r[3], instant(r[4]), (String) r[5], instant(r[6])));
    }

    /**
     * When the earliest of the organisation's events recorded before this one and still unsent is due, if there is
     * one: this one is sent after it.
     */
    Optional<Instant> earlierPendingDue(Pending event) {
        Object due = em.createNativeQuery("SELECT min(next_attempt_at) FROM billing_event_outbox WHERE org_id = ?1"
                + " AND seq < ?2 AND status = 'pending'").setParameter(1, event.orgId()).setParameter(2, event.seq())
                .getSingleResult();
        return due == null ? Optional.empty() : Optional.of(instant(due));
    }

    /** Puts an event back to wait behind an earlier one; the claim's attempt is not counted. */
    void waitBehind(String id, Instant due) {
        em.createNativeQuery("UPDATE billing_event_outbox SET next_attempt_at = ?2, attempts = attempts - 1"
                + " WHERE event_id = ?1").setParameter(1, id).setParameter(2, due).executeUpdate();
    }

    void delivered(String id, Instant now) {
        em.createNativeQuery("UPDATE billing_event_outbox SET status = 'delivered', delivered_at = ?2,"
                + " last_error = NULL WHERE event_id = ?1").setParameter(1, id).setParameter(2, now).executeUpdate();
    }

    /** A failed send: retried after the backoff, or {@code failed} (kept, listed for operators) when it is final. */
    void failed(String id, int attempt, String error, boolean giveUp, Instant now) {
        em.createNativeQuery("UPDATE billing_event_outbox SET status = CASE WHEN ?2 OR give_up_at <= ?3"
                + " THEN 'failed' ELSE 'pending' END, next_attempt_at = ?4, last_error = ?5 WHERE event_id = ?1")
                .setParameter(1, id).setParameter(2, giveUp).setParameter(3, now)
                .setParameter(4, QUEUE.retryAt(now, attempt))
                .setParameter(5, error.length() > 1000 ? error.substring(0, 1000) : error).executeUpdate();
    }

    Map<String, Object> data(Pending event) {
        try {
            return json.readValue(event.payload(),
                    json.getTypeFactory().constructMapType(Map.class, String.class, Object.class));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("event " + event.id() + " has a payload that is not JSON", e);
        }
    }

    private String write(Map<String, Object> data) {
        try {
            return json.writeValueAsString(data);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("an event payload that is not JSON", e);
        }
    }

    private static Instant instant(Object value) {
        return value instanceof Instant i
                ? i
                : value instanceof java.time.OffsetDateTime o
                        ? o.toInstant()
                        : ((java.sql.Timestamp) value).toInstant();
    }
}
