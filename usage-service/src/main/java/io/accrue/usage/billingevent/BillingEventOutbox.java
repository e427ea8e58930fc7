package io.accrue.usage.billingevent;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.ws.rs.WebApplicationException;

import org.jboss.logging.Logger;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.accrue.common.outbox.LeasedClaims;
import io.accrue.common.outbox.LeasedClaims.Claim;
import io.accrue.common.retry.Backoff;
import io.accrue.usage.client.AccountStatusClient;
import io.accrue.usage.client.AccountStatusClient.SubscriptionRejected;
import io.accrue.usage.client.BillingEventRequest;
import io.agroal.api.AgroalDataSource;

/**
 * The billing events usage-service publishes (budget alerts as {@code usage.threshold_reached}), on their way to
 * subscription-service's one webhook delivery system ({@code POST /v1/billing-events}, docs/webhooks.md).
 * <p>
 * {@link #enqueue} writes the event in the caller's transaction, the one that records the fact (an alert is never
 * announced without being recorded, nor recorded without being announced); its id is the event id, derived from
 * the fact's own row, so the fact can only ever be queued once. {@link #publishNext} publishes one due event
 * claimed under a lease (common's {@link LeasedClaims}: two replicas never publish the same row at once; a replica
 * that dies mid-call leaves it to be claimed again after the lease). subscription-service stores an event id once,
 * so publishing again after a lost answer or a lease that ran out makes no second event and no second delivery.
 * <p>
 * An unreachable or failing subscription-service (5xx, timeout, open circuit breaker, a 401/403 from a credential
 * problem) keeps the event pending with the suite's {@link Backoff} — never given up, so an outage loses nothing.
 * Any other 4xx is subscription-service refusing this event for good: recorded as {@code refused}, not retried.
 */
@ApplicationScoped
public class BillingEventOutbox {

    static final LeasedClaims QUEUE = new LeasedClaims("billing_event_outbox", "id", "status = 'pending'",
            "next_attempt_at, id", Duration.ofMinutes(2), Backoff.DELIVERY);

    public static final String USAGE_THRESHOLD_REACHED = "usage.threshold_reached";

    private static final Logger LOG = Logger.getLogger(BillingEventOutbox.class);
    private static final TypeReference<Map<String, Object>> DATA = new TypeReference<>() {
    };

    /** Where an event stands on its way to subscription-service. */
    public record Publication(String status, int attempts, Instant publishedAt, String lastError,
            Instant nextAttemptAt) {}

    private final AgroalDataSource dataSource;
    private final AccountStatusClient subscriptionService;
    private final ObjectMapper json;
    private final Clock clock;

    BillingEventOutbox(AgroalDataSource dataSource, AccountStatusClient subscriptionService, ObjectMapper json,
            Clock clock) {
        this.dataSource = dataSource;
        this.subscriptionService = subscriptionService;
        this.json = json;
        this.clock = clock;
    }

    /** The event id of a fact recorded under {@code sourceId}: the same row always yields the same id. */
    public static String eventId(UUID sourceId) {
        return "evt_" + sourceId.toString().replace("-", "");
    }

    /** Queues an event on the caller's connection (its transaction); false when this id was queued already. */
    public boolean enqueue(Connection c, String eventId, String orgId, String type, Instant occurredAt,
            Map<String, Object> data) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("""
                insert into billing_event_outbox (id, org_id, type, occurred_at, data, status, attempts,
                    next_attempt_at, created_at)
                values (?, ?, ?, ?, ?, 'pending', 0, ?, ?)
                on conflict (id) do nothing""")) {
            Timestamp now = Timestamp.from(clock.instant());
            ps.setString(1, eventId);
            ps.setString(2, orgId);
            ps.setString(3, type);
            ps.setTimestamp(4, Timestamp.from(occurredAt));
            ps.setString(5, write(data));
            ps.setTimestamp(6, now);
            ps.setTimestamp(7, now);
            return ps.executeUpdate() == 1;
        }
    }

    /**
     * Publishes one due event; false when nothing is due. No transaction: the claim (a lease) commits before
     * subscription-service is called, and the outcome is one statement after it.
     */
    public boolean publishNext() {
        Instant now = clock.instant();
        try (Connection c = dataSource.getConnection()) {
            List<Claim<String>> claimed = QUEUE.claim(c, String.class, now, 1);
            if (claimed.isEmpty()) {
                return false;
            }
            String id = claimed.get(0).id();
            int attempt = claimed.get(0).attempt();
            BillingEventRequest event;
            try (PreparedStatement ps = c.prepareStatement(
                    "select org_id, type, occurred_at, data from billing_event_outbox where id = ?")) {
                ps.setString(1, id);
                try (ResultSet rs = ps.executeQuery()) {
                    rs.next();
                    event = new BillingEventRequest(id, rs.getString(1), rs.getString(2),
                            rs.getTimestamp(3).toInstant().toString(), read(rs.getString(4)));
                }
            }
            String error = publish(event);
            if (error == null) {
                update(c, "update billing_event_outbox set status = 'published', published_at = ?, last_error = null"
                        + " where id = ?", Timestamp.from(now), id);
            } else if (error.startsWith(REFUSED)) {
                LOG.errorf("billing event %s refused by subscription-service: %s", id, error);
                update(c, "update billing_event_outbox set status = 'refused', last_error = ? where id = ?",
                        truncate(error), id);
            } else {
                update(c, "update billing_event_outbox set next_attempt_at = ?, last_error = ? where id = ?",
                        Timestamp.from(QUEUE.retryAt(now, attempt)), truncate(error), id);
            }
            return true;
        } catch (SQLException e) {
            throw new IllegalStateException("publishing a billing event failed", e);
        }
    }

    private static final String REFUSED = "refused: ";

    /** Null when subscription-service stored the event (now or before), else why not. */
    private String publish(BillingEventRequest event) {
        try {
            subscriptionService.publish(event);
            return null;
        } catch (SubscriptionRejected e) {
            int status = e.getResponse().getStatus();
            // a credential problem is ours to fix, not the event's: keep it for when it is fixed
            return (status == 401 || status == 403 ? "HTTP " : REFUSED + "HTTP ") + status;
        } catch (WebApplicationException e) {
            return "HTTP " + e.getResponse().getStatus();
        } catch (RuntimeException e) {
            return e.getClass().getSimpleName() + (e.getMessage() == null ? "" : ": " + e.getMessage());
        }
    }

    /** Where each event stands, for the alert views. */
    public Map<String, Publication> publications(Collection<String> eventIds) {
        Map<String, Publication> out = new HashMap<>();
        if (eventIds.isEmpty()) {
            return out;
        }
        try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement("""
                select id, status, attempts, published_at, last_error, next_attempt_at
                from billing_event_outbox where id = any(?)""")) {
            ps.setArray(1, c.createArrayOf("text", eventIds.toArray()));
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    String status = rs.getString(2);
                    out.put(rs.getString(1), new Publication(status, rs.getInt(3), instant(rs.getTimestamp(4)),
                            rs.getString(5), "pending".equals(status) ? instant(rs.getTimestamp(6)) : null));
                }
            }
        } catch (SQLException e) {
            throw new IllegalStateException("reading billing events failed", e);
        }
        return out;
    }

    private static void update(Connection c, String sql, Object... values) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            for (int i = 0; i < values.length; i++) {
                ps.setObject(i + 1, values[i]);
            }
            ps.executeUpdate();
        }
    }

    private String write(Map<String, Object> data) {
        try {
            return json.writeValueAsString(data);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("a billing event payload that is not JSON", e);
        }
    }

    private Map<String, Object> read(String data) {
        try {
            return json.readValue(data, DATA);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("a stored billing event payload that is not JSON", e);
        }
    }

    private static String truncate(String s) {
        return s.length() > 500 ? s.substring(0, 500) : s;
    }

    private static Instant instant(Timestamp t) {
        return t == null ? null : t.toInstant();
    }
}
