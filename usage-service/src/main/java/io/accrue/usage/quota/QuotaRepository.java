package io.accrue.usage.quota;

import java.math.BigDecimal;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;

import io.accrue.usage.ingest.ReservationCounters;
import io.accrue.usage.plans.Enforcement;
import io.accrue.usage.quota.QuotaRequests.Limits;
import io.accrue.usage.quota.QuotaRequests.ReservationView;
import io.accrue.usage.quota.QuotaRules.Plan;
import io.accrue.usage.quota.QuotaRules.Usage;
import io.accrue.usage.quota.QuotaRules.Windows;

/**
 * The quota tables (plans, blocked flags, counters, reservations, alerts) for {@link QuotaService}. Raw JDBC on the
 * caller's connection, as benchmarked (docs/benchmarks.md): the check is one round trip, and a reservation's
 * statements share the caller's transaction.
 */
@ApplicationScoped
class QuotaRepository {

    record PlanAndUsage(Plan plan, Usage usage) {}

    /**
     * The check's one round trip: the end user's plan (their own, else the organisation's default), their blocked
     * flag, and used + reserved in the current day, month and minute windows, all from one snapshot.
     */
    PlanAndUsage planAndUsage(Connection c, String org, String env, String endUser, Windows w)
            throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(
                """
                        select p.slug, p.enforcement, p.daily_token_limit, p.monthly_token_limit, p.daily_request_limit,
                               p.monthly_cost_cap, p.burst_per_minute, p.allowed_models, coalesce(u.blocked, false),
                               q.day_tokens, q.day_requests, q.month_tokens, q.month_cost, q.minute_requests
                        from (select ?::text as org, ?::text as usr) k
                        left join end_users u on u.org_id = k.org and u.end_user_id = k.usr
                        left join rate_plans p on p.org_id = k.org
                             and (p.id = u.rate_plan_id or (u.rate_plan_id is null and p.is_default))
                        cross join lateral (
                            select coalesce(max(used_tokens + reserved_tokens) filter (where window_kind = 'day'), 0) day_tokens,
                                   coalesce(max(used_requests + reserved_requests) filter (where window_kind = 'day'), 0)
                                       day_requests,
                                   coalesce(max(used_tokens + reserved_tokens) filter (where window_kind = 'month'), 0)
                                       month_tokens,
                                   coalesce(max(used_cost + reserved_cost) filter (where window_kind = 'month'), 0) month_cost,
                                   coalesce(max(used_requests + reserved_requests) filter (where window_kind = 'minute'), 0)
                                       minute_requests
                            from quota_counters q
                            where q.org_id = k.org and q.environment = ? and q.end_user_id = k.usr
                              and ((q.window_kind = 'day' and q.window_start = ?) or (q.window_kind = 'month' and q.window_start = ?)
                                or (q.window_kind = 'minute' and q.window_start = ?))) q""")) {
            ps.setString(1, org);
            ps.setString(2, endUser);
            ps.setString(3, env);
            ps.setTimestamp(4, Timestamp.from(w.day()));
            ps.setTimestamp(5, Timestamp.from(w.month()));
            ps.setTimestamp(6, Timestamp.from(w.minute()));
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                Usage usage = new Usage(rs.getLong(10), rs.getLong(11), rs.getLong(12), rs.getBigDecimal(13),
                        rs.getLong(14));
                if (rs.getString(1) != null) {
                    return new PlanAndUsage(planOf(rs), usage);
                }
                // No plan at all: only the blocked flag applies.
                return new PlanAndUsage(
                        rs.getBoolean(9)
                                ? Plan.blockedOnly()
                                : null,
                        usage);
            }
        }
    }

    /** Columns 1–9 of a plan query: slug … allowed_models, blocked. */
    private static Plan planOf(ResultSet rs) throws SQLException {
        return new Plan(rs.getString(1), Enforcement.parse(rs.getString(2)), (Long) rs.getObject(3),
                (Long) rs.getObject(4),
                (Long) rs.getObject(5), rs.getBigDecimal(6), (Integer) rs.getObject(7),
                (String[]) rs.getArray(8).getArray(), rs.getBoolean(9));
    }

    void ensureEndUser(Connection c, String org, String endUser, Instant now) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(
                "insert into end_users (org_id, end_user_id, created_at) values (?, ?, ?) on conflict do nothing")) {
            ps.setString(1, org);
            ps.setString(2, endUser);
            ps.setTimestamp(3, Timestamp.from(now));
            ps.executeUpdate();
        }
    }

    void ensureCounters(Connection c, String org, String env, String endUser, Windows w)
            throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("""
                insert into quota_counters (org_id, environment, end_user_id, window_kind, window_start)
                values (?, ?, ?, 'day', ?), (?, ?, ?, 'month', ?) on conflict do nothing""")) {
            for (int i = 0; i < 2; i++) {
                ps.setString(1 + i * 4, org);
                ps.setString(2 + i * 4, env);
                ps.setString(3 + i * 4, endUser);
                ps.setTimestamp(4 + i * 4, Timestamp.from(i == 0 ? w.day() : w.month()));
            }
            ps.executeUpdate();
        }
    }

    /**
     * Holds the tokens, one request and the cost on the end user's day and month rows, where the limits given leave
     * room (null limits: hold without a check, as an alert-only plan does). Returns the rows updated: 2 when both
     * windows had room.
     */
    int hold(Connection c, String org, String env, String endUser, Windows w, Limits limits, long tokens,
            BigDecimal cost) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(
                """
                        update quota_counters set reserved_tokens = reserved_tokens + ?, reserved_requests = reserved_requests + 1,
                            reserved_cost = reserved_cost + ?
                        where org_id = ? and environment = ? and end_user_id = ?
                          and ((window_kind = 'day' and window_start = ?
                                and (?::bigint is null or used_tokens + reserved_tokens + ? <= ?::bigint)
                                and (?::bigint is null or used_requests + reserved_requests + 1 <= ?::bigint))
                            or (window_kind = 'month' and window_start = ?
                                and (?::bigint is null or used_tokens + reserved_tokens + ? <= ?::bigint)
                                and (?::numeric is null or used_cost + reserved_cost + ? <= ?::numeric)))""")) {
            Long dt = limits == null ? null : limits.dailyTokens(),
                    dr = limits == null ? null : limits.dailyRequests(),
                    mt = limits == null ? null : limits.monthlyTokens();
            BigDecimal mc = limits == null ? null : limits.monthlyCost();
            int p = 1;
            ps.setLong(p++, tokens);
            ps.setBigDecimal(p++, cost);
            ps.setString(p++, org);
            ps.setString(p++, env);
            ps.setString(p++, endUser);
            ps.setTimestamp(p++, Timestamp.from(w.day()));
            ps.setObject(p++, dt, java.sql.Types.BIGINT);
            ps.setLong(p++, tokens);
            ps.setObject(p++, dt, java.sql.Types.BIGINT);
            ps.setObject(p++, dr, java.sql.Types.BIGINT);
            ps.setObject(p++, dr, java.sql.Types.BIGINT);
            ps.setTimestamp(p++, Timestamp.from(w.month()));
            ps.setObject(p++, mt, java.sql.Types.BIGINT);
            ps.setLong(p++, tokens);
            ps.setObject(p++, mt, java.sql.Types.BIGINT);
            ps.setObject(p++, mc, java.sql.Types.NUMERIC);
            ps.setBigDecimal(p++, cost);
            ps.setObject(p++, mc, java.sql.Types.NUMERIC);
            return ps.executeUpdate();
        }
    }

    void insertReservation(Connection c, UUID id, String org, String env, String endUser, long tokens,
            BigDecimal cost, Windows w, Instant now, Instant expires) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(
                """
                        insert into reservations (id, org_id, environment, end_user_id, tokens, cost, day_start, month_start,
                            status, created_at, expires_at) values (?, ?, ?, ?, ?, ?, ?, ?, 'open', ?, ?)""")) {
            ps.setObject(1, id);
            ps.setString(2, org);
            ps.setString(3, env);
            ps.setString(4, endUser);
            ps.setLong(5, tokens);
            ps.setBigDecimal(6, cost);
            ps.setTimestamp(7, Timestamp.from(w.day()));
            ps.setTimestamp(8, Timestamp.from(w.month()));
            ps.setTimestamp(9, Timestamp.from(now));
            ps.setTimestamp(10, Timestamp.from(expires));
            ps.executeUpdate();
        }
    }

    void insertAlert(Connection c, String org, String env, String endUser, String reason, Instant now)
            throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("""
                insert into quota_alerts (id, org_id, environment, end_user_id, reason, created_at)
                values (?, ?, ?, ?, ?, ?)""")) {
            ps.setObject(1, UUID.randomUUID());
            ps.setString(2, org);
            ps.setString(3, env);
            ps.setString(4, endUser);
            ps.setString(5, reason);
            ps.setTimestamp(6, Timestamp.from(now));
            ps.executeUpdate();
        }
    }

    interface Binder {
        void bind(PreparedStatement ps) throws SQLException;
    }

    ReservationView close(Connection c, String where, String status, Binder binder) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("update reservations set status = ?, settled_at = now() where "
                + where
                + " returning id, org_id, environment, end_user_id, tokens, cost, day_start, month_start, expires_at")) {
            ps.setString(1, status);
            binder.bind(ps);
            try (ResultSet rs = ps.executeQuery()) {
                if (!rs.next()) {
                    return null;
                }
                ReservationCounters.release(c, rs.getString(2), rs.getString(3), rs.getString(4), rs.getLong(5),
                        rs.getBigDecimal(6), rs.getTimestamp(7).toInstant(), rs.getTimestamp(8).toInstant());
                return new ReservationView(rs.getObject(1, UUID.class), rs.getString(4), rs.getLong(5),
                        rs.getBigDecimal(6), status, rs.getTimestamp(9).toInstant());
            }
        }
    }

}
