package io.accrue.subscription.hooks;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.persistence.EntityManager;
import jakarta.transaction.Transactional;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.accrue.subscription.mail.MailOutbox;

/**
 * Publishes an organisation's billing events: stored under their stable id in the transaction of the change they
 * announce (a rolled-back change is never announced) and fanned out to one delivery per enabled endpoint subscribed
 * to the type, which {@link WebhookSender} delivers, and, in the same transaction, to the mails the event makes for
 * the organisation's billing contacts ({@link MailOutbox}). Publishing an id again is a no-op, so a publisher may
 * retry.
 */
@ApplicationScoped
public class BillingEvents {

    /** Deliveries are retried this long after they were created, then marked failed. */
    static final Duration RETRY_WINDOW = Duration.ofDays(3);

    private final EntityManager em;
    private final ObjectMapper json;
    private final MailOutbox mails;
    private final Clock clock;

    BillingEvents(EntityManager em, ObjectMapper json, MailOutbox mails, Clock clock) {
        this.em = em;
        this.json = json;
        this.mails = mails;
        this.clock = clock;
    }

    /** The outcome of a publish: the stored event, and whether this call stored it (false: it existed). */
    public record Published(BillingEvent event, boolean created) {}

    /** Stores and fans out an event; the same id published again answers the stored event. */
    @Transactional(Transactional.TxType.REQUIRED)
    public Published publish(String id, String orgId, String type, Instant occurredAt, Map<String, Object> data) {
        BillingEvent existing = em.find(BillingEvent.class, id);
        if (existing != null) {
            return new Published(existing, false);
        }
        // concurrent publishers of one id: the loser's insert does nothing and it answers the winner's row
        int inserted = em.createNativeQuery("INSERT INTO billing_events (id, org_id, type, payload, occurred_at, "
                + "created_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6) ON CONFLICT (id) DO NOTHING")
                .setParameter(1, id).setParameter(2, orgId).setParameter(3, type).setParameter(4, write(data))
                .setParameter(5, occurredAt).setParameter(6, clock.instant()).executeUpdate();
        BillingEvent event = em.find(BillingEvent.class, id);
        if (inserted == 0) {
            return new Published(event, false);
        }
        List<WebhookEndpoint> endpoints = em.createQuery(
                "from WebhookEndpoint e where e.orgId = ?1 and e.enabled = true and e.deletedAt is null "
                        + "order by e.createdAt, e.id",
                WebhookEndpoint.class)
                .setParameter(1, orgId).getResultList();
        for (WebhookEndpoint endpoint : endpoints) {
            if (endpoint.receives(type)) {
                enqueue(event, endpoint);
            }
        }
        mails.enqueue(event);
        return new Published(event, true);
    }

    /** Publishes with an id derived from a source's own stable id (e.g. a timeline event's). */
    @Transactional(Transactional.TxType.MANDATORY)
    public void publish(String type, String orgId, UUID sourceId, Instant occurredAt, Map<String, Object> data) {
        publish("evt_" + sourceId.toString().replace("-", ""), orgId, type, occurredAt, data);
    }

    /** A new delivery of a stored event to one endpoint (publishing, a replay, a test ping). */
    @Transactional(Transactional.TxType.MANDATORY)
    public WebhookDelivery enqueue(BillingEvent event, WebhookEndpoint endpoint) {
        Instant now = clock.instant();
        WebhookDelivery d = new WebhookDelivery();
        d.id = UUID.randomUUID();
        d.eventId = event.id;
        d.endpointId = endpoint.id;
        d.orgId = event.orgId;
        d.status = WebhookDeliveryStatus.PENDING;
        d.createdAt = now;
        d.nextAttemptAt = now;
        d.giveUpAt = now.plus(RETRY_WINDOW);
        em.persist(d);
        return d;
    }

    public Optional<BillingEvent> find(String orgId, String id) {
        BillingEvent e = em.find(BillingEvent.class, id);
        return e != null && e.orgId.equals(orgId) ? Optional.of(e) : Optional.empty();
    }

    String write(Object data) {
        try {
            return json.writeValueAsString(data);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("an event payload that is not JSON", e);
        }
    }
}
