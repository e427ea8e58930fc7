package io.accrue.usage.webhook;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;

import org.jboss.logging.Logger;

import io.accrue.common.outbound.OutboundHttp;
import io.accrue.common.outbound.OutboundUrlPolicy;
import io.accrue.common.outbox.LeasedClaims;
import io.accrue.common.outbox.LeasedClaims.Claim;
import io.accrue.common.retry.Backoff;
import io.accrue.common.signing.Signatures;
import io.accrue.usage.config.UsageConfig;
import io.accrue.usage.webhook.WebhookRequests.DeliveryView;
import io.agroal.api.AgroalDataSource;

/**
 * Signed outbound webhooks through an outbox. {@link #enqueue} writes one row per endpoint of the organisation in
 * the caller's transaction (the one that records the event, so an event is never announced without being
 * recorded, nor recorded without being announced). {@link #sendNext} sends one due row claimed under a lease
 * (common's {@code LeasedClaims}, {@code FOR UPDATE SKIP LOCKED}: two replicas never send the same row at once); a
 * failure keeps it pending with a backoff. Delivery is at least once: a crash after the receiver answered and before
 * the outcome is written sends it again once the lease ends,
 * with the same event id, which receivers de-duplicate on.
 */
@ApplicationScoped
public class WebhookOutbox {

    /** Pending deliveries, the longest-waiting first; a send has a timeout of seconds, the lease minutes. */
    static final LeasedClaims QUEUE = new LeasedClaims("webhook_deliveries", "id", "status = 'pending'",
            "next_attempt_at, id", Duration.ofMinutes(2), Backoff.DELIVERY);

    public static final String BUDGET_THRESHOLD_REACHED = "budget.threshold_reached";

    private static final Logger LOG = Logger.getLogger(WebhookOutbox.class);

    private final AgroalDataSource dataSource;
    private final UsageConfig config;
    private final Clock clock;
    private final OutboundHttp http;

    WebhookOutbox(AgroalDataSource dataSource, UsageConfig config, Clock clock, OutboundHttp http) {
        this.dataSource = dataSource;
        this.config = config;
        this.clock = clock;
        // The policy is checked again here after DNS, the connection goes to the checked address, no redirects.
        this.http = http;
    }

    /** Queues {@code payload} for every endpoint of the organisation; returns how many deliveries were queued. */
    public int enqueue(Connection c, String orgId, String eventId, String eventType, String payload, Instant now)
            throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("""
                insert into webhook_deliveries (id, event_id, event_type, org_id, endpoint_id, payload, status,
                    attempts, next_attempt_at, created_at)
                select gen_random_uuid(), ?, ?, ?, e.id, ?, 'pending', 0, ?, ?
                from webhook_endpoints e where e.org_id = ?
                on conflict (event_id, endpoint_id) do nothing""")) {
            ps.setString(1, eventId);
            ps.setString(2, eventType);
            ps.setString(3, orgId);
            ps.setString(4, payload);
            ps.setTimestamp(5, Timestamp.from(now));
            ps.setTimestamp(6, Timestamp.from(now));
            ps.setString(7, orgId);
            return ps.executeUpdate();
        }
    }

    /**
     * Sends one due delivery; false when nothing is due. The job calls it in a loop. No transaction: the claim (a
     * lease) commits before the receiver is called and the outcome is one statement after it.
     */
    public boolean sendNext() {
        Instant now = clock.instant();
        try (Connection c = dataSource.getConnection()) {
            Optional<Claim<UUID>> claimed = QUEUE.claimOne(c, UUID.class, now);
            if (claimed.isEmpty()) {
                return false;
            }
            UUID id = claimed.get().id();
            int attempts = claimed.get().attempt();
            String eventId, payload, url, secret;
            try (PreparedStatement ps = c.prepareStatement("select d.event_id, d.payload, e.url, e.secret"
                    + " from webhook_deliveries d left join webhook_endpoints e on e.id = d.endpoint_id where d.id = ?")) {
                ps.setObject(1, id);
                try (ResultSet rs = ps.executeQuery()) {
                    rs.next();
                    eventId = rs.getString(1);
                    payload = rs.getString(2);
                    url = rs.getString(3);
                    secret = rs.getString(4);
                }
            }
            if (url == null) {
                update(c, "update webhook_deliveries set status = 'canceled', last_error = 'endpoint removed'"
                        + " where id = ?", ps -> ps.setObject(1, id));
                return true;
            }
            String error = deliver(url, secret, eventId, payload, now);
            if (error == null) {
                update(c, "update webhook_deliveries set status = 'delivered', delivered_at = ?,"
                        + " last_error = null where id = ?", ps -> {
                            ps.setTimestamp(1, Timestamp.from(now));
                            ps.setObject(2, id);
                        });
            } else {
                boolean giveUp = attempts >= config.webhooks().maxAttempts();
                update(c, "update webhook_deliveries set status = ?, next_attempt_at = ?,"
                        + " last_error = ? where id = ?", ps -> {
                            ps.setString(1, giveUp ? "failed" : "pending");
                            ps.setTimestamp(2, Timestamp.from(QUEUE.retryAt(now, attempts)));
                            ps.setString(3, error.length() > 500 ? error.substring(0, 500) : error);
                            ps.setObject(4, id);
                        });
                if (giveUp) {
                    LOG.warnf("webhook %s to %s given up after %d attempts: %s", eventId, url, attempts, error);
                }
            }
            return true;
        } catch (SQLException e) {
            throw new IllegalStateException("webhook delivery failed", e);
        }
    }

    /** Sends now; null on a 2xx answer, else why it failed. */
    private String deliver(String url, String secret, String eventId, String payload, Instant now) {
        try {
            int status = http.post(url, Map.of("Content-Type", "application/json",
                    "User-Agent", "accrue-usage-service",
                    "Accrue-Event-Id", eventId,
                    Signatures.HEADER, Signatures.header(secret, now.getEpochSecond(), payload)),
                    payload, config.webhooks().timeout());
            return status / 100 == 2 ? null : "HTTP " + status;
        } catch (OutboundUrlPolicy.Refused e) {
            return "URL not allowed: " + e.getMessage();
        } catch (Exception e) {
            return e.getClass().getSimpleName() + (e.getMessage() == null ? "" : ": " + e.getMessage());
        }
    }

    /** The deliveries of each event id, for the alert views. */
    public Map<String, List<DeliveryView>> deliveries(Collection<String> eventIds) {
        Map<String, List<DeliveryView>> out = new HashMap<>();
        if (eventIds.isEmpty()) {
            return out;
        }
        try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement("""
                select event_id, endpoint_id, status, attempts, last_error, delivered_at, next_attempt_at
                from webhook_deliveries where event_id = any(?) order by created_at, endpoint_id""")) {
            ps.setArray(1, c.createArrayOf("text", eventIds.toArray()));
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    String status = rs.getString(3);
                    out.computeIfAbsent(rs.getString(1), k -> new ArrayList<>()).add(new DeliveryView(
                            rs.getObject(2, UUID.class), status, rs.getInt(4), rs.getString(5),
                            instant(rs.getTimestamp(6)),
                            "pending".equals(status) ? instant(rs.getTimestamp(7)) : null));
                }
            }
        } catch (SQLException e) {
            throw new IllegalStateException("reading deliveries failed", e);
        }
        return out;
    }

    private interface Binder {
        void bind(PreparedStatement ps) throws SQLException;
    }

    private static void update(Connection c, String sql, Binder binder) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            binder.bind(ps);
            ps.executeUpdate();
        }
    }

    private static Instant instant(Timestamp t) {
        return t == null ? null : t.toInstant();
    }

    /** Deterministic: the same source row always yields the same event id. */
    public static String eventId(UUID sourceId) {
        return "evt_" + sourceId.toString().replace("-", "");
    }
}
