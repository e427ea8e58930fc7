package io.accrue.usage.metering;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.transaction.Transactional;

import org.jboss.logging.Logger;

import io.accrue.common.outbox.LeasedClaims;
import io.accrue.common.outbox.LeasedClaims.Claim;
import io.accrue.common.retry.Backoff;
import io.accrue.usage.metering.MeterGateway.MeterGatewayException;
import io.accrue.usage.metering.MeterGateway.MeterReport;
import io.agroal.api.AgroalDataSource;

/**
 * Stripe metering through an outbox. A closed window of live usage (by {@code recorded_at}, so it never changes
 * once closed) becomes one row with a deterministic identifier; the drain sends due rows one by one, each claimed
 * under a lease (common's {@code LeasedClaims}, {@code SKIP LOCKED}: replicas never send the same row at once, and
 * a worker that dies mid-send leaves the row to the next one when the lease ends). A failure or timeout leaves the
 * row pending with a backoff; the retry carries the same identifier and idempotency key, so
 * Stripe counts it once.
 */
@ApplicationScoped
public class MeterOutbox {

    /** Pending windows, the longest-waiting first; a report is one Stripe call, the lease minutes. */
    static final LeasedClaims QUEUE = new LeasedClaims("meter_outbox", "id", "status = ?",
            "next_attempt_at, id", Duration.ofMinutes(2), Backoff.DELIVERY);

    private static final Logger LOG = Logger.getLogger(MeterOutbox.class);
    private static final String PENDING = MeterReportStatus.PENDING.wire();
    private static final String SENT = MeterReportStatus.SENT.wire();

    private final AgroalDataSource dataSource;
    private final MeterGateway gateway;
    private final Clock clock;
    private final String eventName;

    MeterOutbox(AgroalDataSource dataSource, MeterGateway gateway, Clock clock,
            io.accrue.usage.config.UsageConfig config) {
        this.dataSource = dataSource;
        this.gateway = gateway;
        this.clock = clock;
        this.eventName = config.stripe().meterEventName();
    }

    /** Deterministic per window; {@link MeteringService}'s scan builds the same string in SQL: keep them equal. */
    public static String identifier(String org, String eventName, Instant windowStart) {
        return "accrue_" + org + "_" + eventName + "_" + windowStart.getEpochSecond();
    }

    /** Queues the window's total tokens for Stripe; a second call for the same window changes nothing. */
    @Transactional
    public boolean enqueue(String org, String stripeCustomerId, Instant from, Instant to) {
        try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement("""
                insert into meter_outbox (id, org_id, stripe_customer_id, event_name, window_start, window_end, value,
                    identifier, status, next_attempt_at, created_at)
                select ?, ?, ?, ?, ?, ?, coalesce(sum(input_tokens + output_tokens), 0), ?, ?, ?, ?
                from usage_events where org_id = ? and environment = 'live' and recorded_at >= ? and recorded_at < ?
                on conflict (identifier) do nothing""")) {
            Instant now = clock.instant();
            int p = 1;
            ps.setObject(p++, UUID.randomUUID());
            ps.setString(p++, org);
            ps.setString(p++, stripeCustomerId);
            ps.setString(p++, eventName);
            ps.setTimestamp(p++, Timestamp.from(from));
            ps.setTimestamp(p++, Timestamp.from(to));
            ps.setString(p++, identifier(org, eventName, from));
            ps.setString(p++, PENDING);
            ps.setTimestamp(p++, Timestamp.from(now));
            ps.setTimestamp(p++, Timestamp.from(now));
            ps.setString(p++, org);
            ps.setTimestamp(p++, Timestamp.from(from));
            ps.setTimestamp(p++, Timestamp.from(to));
            return ps.executeUpdate() == 1;
        } catch (SQLException e) {
            throw new IllegalStateException("meter enqueue failed", e);
        }
    }

    /**
     * Sends one due row; false when nothing is due. Call it in a loop (the job does). No transaction: the claim (a
     * lease) commits before Stripe is called and the outcome is one statement after it.
     */
    public boolean sendNext() {
        Instant now = clock.instant();
        try (Connection c = dataSource.getConnection()) {
            Optional<Claim<UUID>> claimed = QUEUE.claimOne(c, UUID.class, now, PENDING);
            if (claimed.isEmpty()) {
                return false;
            }
            UUID id = claimed.get().id();
            int attempts = claimed.get().attempt();
            MeterReport report;
            try (PreparedStatement ps = c.prepareStatement(
                    "select event_name, stripe_customer_id, value, window_end, identifier from meter_outbox where id = ?")) {
                ps.setObject(1, id);
                try (ResultSet rs = ps.executeQuery()) {
                    rs.next();
                    // The event is stamped with the window's last second: inside the window, deterministic.
                    report = new MeterReport(rs.getString(1), rs.getString(2), rs.getLong(3),
                            rs.getTimestamp(4).toInstant().minusSeconds(1), rs.getString(5));
                }
            }
            String error = null;
            if (report.value() > 0) {
                try {
                    gateway.report(report);
                } catch (MeterGatewayException e) {
                    error = e.getMessage();
                    LOG.warnf("meter report %s failed, attempt %d: %s", report.identifier(), attempts, error);
                }
            }
            try (PreparedStatement ps = c.prepareStatement(error == null
                    ? "update meter_outbox set status = ?, sent_at = ?, last_error = null where id = ?"
                    : "update meter_outbox set next_attempt_at = ?, last_error = ? where id = ?")) {
                if (error == null) {
                    ps.setString(1, SENT);
                    ps.setTimestamp(2, Timestamp.from(now));
                    ps.setObject(3, id);
                } else {
                    ps.setTimestamp(1, Timestamp.from(QUEUE.retryAt(now, attempts)));
                    ps.setString(2, error.length() > 500 ? error.substring(0, 500) : error);
                    ps.setObject(3, id);
                }
                ps.executeUpdate();
            }
            return true;
        } catch (SQLException e) {
            throw new IllegalStateException("meter drain failed", e);
        }
    }

    public record Reconciliation(String orgId, Instant from, Instant to, long recordedTokens, long reportedTokens,
            long pendingTokens, long unqueuedTokens, int pendingReports, boolean matches) {}

    /**
     * Compares live tokens recorded in [from, to) with what the outbox holds for windows inside it: reported
     * (sent), pending (queued, not yet accepted by Stripe) and unqueued (recorded but in no window yet).
     */
    public Reconciliation reconcile(String org, Instant from, Instant to) {
        try (Connection c = dataSource.getConnection()) {
            long recorded;
            try (PreparedStatement ps = c.prepareStatement("""
                    select coalesce(sum(input_tokens + output_tokens), 0) from usage_events
                    where org_id = ? and environment = 'live' and recorded_at >= ? and recorded_at < ?""")) {
                ps.setString(1, org);
                ps.setTimestamp(2, Timestamp.from(from));
                ps.setTimestamp(3, Timestamp.from(to));
                try (ResultSet rs = ps.executeQuery()) {
                    rs.next();
                    recorded = rs.getLong(1);
                }
            }
            try (PreparedStatement ps = c.prepareStatement("""
                    select coalesce(sum(value) filter (where status = ?), 0),
                           coalesce(sum(value) filter (where status = ?), 0),
                           count(*) filter (where status = ?)
                    from meter_outbox where org_id = ? and window_start >= ? and window_end <= ?""")) {
                ps.setString(1, SENT);
                ps.setString(2, PENDING);
                ps.setString(3, PENDING);
                ps.setString(4, org);
                ps.setTimestamp(5, Timestamp.from(from));
                ps.setTimestamp(6, Timestamp.from(to));
                try (ResultSet rs = ps.executeQuery()) {
                    rs.next();
                    long sent = rs.getLong(1), pending = rs.getLong(2);
                    long unqueued = recorded - sent - pending;
                    return new Reconciliation(org, from, to, recorded, sent, pending, unqueued, rs.getInt(3),
                            unqueued == 0 && pending == 0);
                }
            }
        } catch (SQLException e) {
            throw new IllegalStateException("reconciliation failed", e);
        }
    }
}
