package io.accrue.common.outbox;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;

import org.jboss.logging.Logger;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.accrue.common.retry.Backoff;

/**
 * A service's billing events on their way to subscription-service's one delivery system (docs/webhooks.md), kept in
 * its {@code billing_event_outbox} table (the same table in invoice-service, contract-service and usage-service). An
 * event is
 * recorded in the transaction of the fact it announces, under an id derived from that fact, so recording the fact
 * again (a rerun, a redelivered webhook, the next run of a job) is a no-op and each fact is one event.
 * <p>
 * {@link #sendDue} claims one due event at a time under a lease ({@link LeasedClaims}), and sends it in a transaction
 * that row-locks it; subscription-service stores an id once, so a send repeated after a lost answer or an expired
 * lease makes no second event. A failure is retried with {@link Backoff#DELIVERY} for {@link #giveUpAfter} (by
 * default {@link #SEND_WINDOW}); a final refusal (the service says which) is kept as {@code failed}. An event waits, without using up an attempt, while an
 * earlier one of its organisation is unsent, so an organisation's events arrive in the order they were recorded.
 * <p>
 * A subclass says how to reach the database and the neighbour: JDBC work in the caller's or a new transaction, the
 * send itself, and which exceptions are final.
 */
public abstract class OrderedEventOutbox {

    /** Events are sent this long after they were recorded, as long as subscription-service retries its deliveries. */
    public static final Duration SEND_WINDOW = Duration.ofDays(3);

    /** One pending event, oldest due first (then in recording order); a send is one short HTTP call. */
    static final LeasedClaims QUEUE = new LeasedClaims("billing_event_outbox", "event_id", "status = ?",
            "next_attempt_at, seq", Duration.ofMinutes(2), Backoff.DELIVERY);

    private static final String PENDING = OutboxStatus.PENDING.wire();
    private static final Logger LOG = Logger.getLogger(OrderedEventOutbox.class);
    private static final TypeReference<Map<String, Object>> DATA = new TypeReference<>() {
    };

    /** A recorded event as it is sent; {@code data} is its payload. */
    public record Pending(String id, long seq, String orgId, String type, Instant occurredAt,
            Map<String, Object> data) {}

    /** Work on a connection; the subclass runs it in a transaction. */
    @FunctionalInterface
    public interface SqlWork<T> {
        T run(Connection c) throws SQLException;
    }

    private final ObjectMapper json;
    private final Clock clock;

    /** For CDI's client proxies of a subclass bean, which delegate every call and use no state of their own. */
    protected OrderedEventOutbox() {
        this(null, null);
    }

    protected OrderedEventOutbox(ObjectMapper json, Clock clock) {
        this.json = json;
        this.clock = clock;
    }

    /** Runs {@code work} on the connection of the caller's transaction (which must exist). */
    protected abstract <T> T inCallerTransaction(SqlWork<T> work);

    /** Runs {@code work} in a transaction of its own, committed when it returns. */
    protected abstract <T> T inNewTransaction(SqlWork<T> work);

    /** Sends one event to subscription-service ({@code POST /v1/billing-events}); throws when it was not taken. */
    protected abstract void send(Pending event);

    /** Whether a send's failure is subscription-service's final answer (a 4xx), not worth retrying. */
    protected abstract boolean isFinal(RuntimeException failure);

    /**
     * How long after recording an event that keeps failing is given up ({@code failed}); empty: never, the event is
     * retried until it is sent or refused (the table's {@code give_up_at} is then null).
     */
    protected Optional<Duration> giveUpAfter() {
        return Optional.of(SEND_WINDOW);
    }

    /**
     * Records an event in the caller's transaction; an id recorded before keeps its first version.
     *
     * @return true when this call recorded it
     */
    public boolean record(String id, String orgId, String type, Instant occurredAt, Map<String, Object> data) {
        Instant now = clock.instant();
        String payload = write(data);
        Timestamp giveUpAt = giveUpAfter().map(window -> Timestamp.from(now.plus(window))).orElse(null);
        return inCallerTransaction(c -> {
            try (PreparedStatement ps = c.prepareStatement("INSERT INTO billing_event_outbox (event_id, org_id, type,"
                    + " occurred_at, payload, status, next_attempt_at, give_up_at, created_at)"
                    + " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (event_id) DO NOTHING")) {
                ps.setString(1, id);
                ps.setString(2, orgId);
                ps.setString(3, type);
                ps.setTimestamp(4, Timestamp.from(occurredAt));
                ps.setString(5, payload);
                ps.setString(6, PENDING);
                ps.setTimestamp(7, Timestamp.from(now));
                ps.setTimestamp(8, giveUpAt);
                ps.setTimestamp(9, Timestamp.from(now));
                return ps.executeUpdate() == 1;
            }
        });
    }

    /** Sends up to {@code max} due events; returns how many were attempted. */
    public int sendDue(int max) {
        int attempted = 0;
        while (attempted < max && sendOne()) {
            attempted++;
        }
        return attempted;
    }

    private boolean sendOne() {
        Optional<LeasedClaims.Claim<String>> claimed = inNewTransaction(
                c -> QUEUE.claimOne(c, String.class, clock.instant(), PENDING));
        if (claimed.isEmpty()) {
            return false;
        }
        LeasedClaims.Claim<String> claim = claimed.get();
        try {
            inNewTransaction(c -> {
                Optional<Pending> event = lockPending(c, claim.id());
                if (event.isEmpty()) {
                    return null; // sent meanwhile by a worker whose lease had run out
                }
                Optional<Instant> earlier = earlierPendingDue(c, event.get());
                if (earlier.isPresent()) {
                    // not a failed attempt: due again when the earlier one is, and claimed after it (seq order)
                    Instant now = clock.instant();
                    update(c, "UPDATE billing_event_outbox SET next_attempt_at = ?, attempts = attempts - 1"
                            + " WHERE event_id = ?", Timestamp.from(earlier.get().isAfter(now) ? earlier.get() : now),
                            claim.id());
                    return null;
                }
                send(event.get());
                update(c, "UPDATE billing_event_outbox SET status = ?, delivered_at = ?, last_error = NULL"
                        + " WHERE event_id = ?", OutboxStatus.DELIVERED.wire(), Timestamp.from(clock.instant()),
                        claim.id());
                return null;
            });
        } catch (RuntimeException e) {
            String message = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
            boolean giveUp = isFinal(e);
            Instant now = clock.instant();
            // a null give_up_at (never given up) makes the comparison null: the CASE keeps it pending
            inNewTransaction(c -> update(c, "UPDATE billing_event_outbox SET status = CASE WHEN ? OR give_up_at <= ?"
                    + " THEN ? ELSE ? END, next_attempt_at = ?, last_error = ? WHERE event_id = ?",
                    giveUp, Timestamp.from(now), OutboxStatus.FAILED.wire(), PENDING,
                    Timestamp.from(QUEUE.retryAt(now, claim.attempt())),
                    message.length() > 1000 ? message.substring(0, 1000) : message, claim.id()));
            LOG.warnf("billing event %s not sent (attempt %d): %s", claim.id(), claim.attempt(), message);
        }
        return true;
    }

    /**
     * The claimed event, row-locked for the sending transaction, while it is still pending. It waits for a lock held
     * elsewhere instead of skipping it: another worker's claim statement can hold the row for a moment (PostgreSQL
     * keeps a {@code FOR UPDATE SKIP LOCKED} scan's lock on a row that its recheck then filtered out), and skipping
     * would leave our claim's attempt counted and the event waiting out its lease; a worker whose lease ran out and
     * sent it first leaves it delivered, which the status check then sees.
     */
    private Optional<Pending> lockPending(Connection c, String id) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT event_id, seq, org_id, type, occurred_at, payload"
                + " FROM billing_event_outbox WHERE event_id = ? AND status = ? FOR UPDATE")) {
            ps.setString(1, id);
            ps.setString(2, PENDING);
            try (ResultSet rs = ps.executeQuery()) {
                if (!rs.next()) {
                    return Optional.empty();
                }
                return Optional.of(new Pending(rs.getString(1), rs.getLong(2), rs.getString(3), rs.getString(4),
                        rs.getTimestamp(5).toInstant(), read(rs.getString(1), rs.getString(6))));
            }
        }
    }

    /** When the earliest of the organisation's unsent events recorded before this one is due, if there is one. */
    private static Optional<Instant> earlierPendingDue(Connection c, Pending event) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT min(next_attempt_at) FROM billing_event_outbox"
                + " WHERE org_id = ? AND seq < ? AND status = ?")) {
            ps.setString(1, event.orgId());
            ps.setLong(2, event.seq());
            ps.setString(3, PENDING);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                Timestamp due = rs.getTimestamp(1);
                return due == null ? Optional.empty() : Optional.of(due.toInstant());
            }
        }
    }

    private static int update(Connection c, String sql, Object... values) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            for (int i = 0; i < values.length; i++) {
                ps.setObject(i + 1, values[i]);
            }
            return ps.executeUpdate();
        }
    }

    private Map<String, Object> read(String id, String payload) {
        try {
            return json.readValue(payload, DATA);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("event " + id + " has a payload that is not JSON", e);
        }
    }

    private String write(Map<String, Object> data) {
        try {
            return json.writeValueAsString(data);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("an event payload that is not JSON", e);
        }
    }
}
