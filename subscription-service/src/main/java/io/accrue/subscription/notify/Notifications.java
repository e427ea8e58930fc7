package io.accrue.subscription.notify;

import java.time.Clock;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.persistence.EntityManager;
import jakarta.transaction.Transactional;

import org.eclipse.microprofile.config.inject.ConfigProperty;

import com.fasterxml.jackson.databind.ObjectMapper;

import io.accrue.common.signing.Signatures;
import io.accrue.subscription.contact.BillingContact;
import io.accrue.subscription.contact.ContactService;

/**
 * Signed outbound webhooks to billing contacts. Written to the outbox in the transaction of the change they
 * announce (so a rolled-back change is never announced) and sent by {@link NotificationSender}.
 */
@ApplicationScoped
public class Notifications {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final EntityManager em;
    private final ContactService contacts;
    private final Clock clock;
    private final String secret;

    Notifications(EntityManager em, ContactService contacts, Clock clock,
            @ConfigProperty(name = "accrue.notifications.signing-secret") String secret) {
        this.em = em;
        this.contacts = contacts;
        this.clock = clock;
        this.secret = secret;
    }

    /** Announces a dunning transition to every contact that receives dunning notices and has an endpoint. */
    @Transactional(Transactional.TxType.MANDATORY)
    public void dunning(String orgId, String fromStatus, String toStatus, String reason, Instant at) {
        for (BillingContact c : contacts.contacts(orgId)) {
            if (!c.receivesDunning || c.webhookUrl == null) {
                continue;
            }
            Map<String, Object> body = new LinkedHashMap<>();
            UUID id = UUID.randomUUID();
            body.put("id", "ntf_" + id.toString().replace("-", ""));
            body.put("type", "account.status_changed");
            body.put("orgId", orgId);
            body.put("fromStatus", fromStatus);
            body.put("toStatus", toStatus);
            body.put("reason", reason);
            body.put("occurredAt", at.toString());
            body.put("contactEmail", c.email);
            OutboundNotification n = new OutboundNotification();
            n.id = id;
            n.orgId = orgId;
            n.url = c.webhookUrl;
            n.payload = write(body);
            n.createdAt = clock.instant();
            n.nextAttemptAt = n.createdAt;
            em.persist(n);
        }
    }

    /** {@code t=<unix seconds>,v1=<hex HMAC-SHA256 of "t.payload">}: the suite's one scheme ({@link Signatures}). */
    public String signature(String payload, long timestamp) {
        return Signatures.header(secret, timestamp, payload);
    }

    private static String write(Object body) {
        try {
            return JSON.writeValueAsString(body);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}
