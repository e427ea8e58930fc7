package io.accrue.usage.analytics;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;

import io.accrue.usage.analytics.AnalyticsViews.QuotaFlag;
import io.accrue.usage.analytics.AnalyticsViews.SessionRow;
import io.accrue.usage.analytics.AnalyticsViews.ToolRow;
import io.agroal.api.AgroalDataSource;

/**
 * The analytics reads, raw JDBC like the other usage reads. Each statement is bounded by the organisation, the
 * environment and a window on an index: sessions by {@code usage_events_period} (org, env, occurred_at), flags by
 * {@code quota_alerts_org} (org, created_at) — see {@code AnalyticsPlansTest}.
 */
@ApplicationScoped
class AnalyticsRepository {

    static final String SESSIONS = """
            select agent_session_id, min(end_user_id), count(distinct end_user_id),
                   array_agg(distinct coalesce(model_id, model_requested)), min(occurred_at), max(occurred_at), count(*),
                   sum(input_tokens), sum(output_tokens), sum(tool_calls), sum(cost), sum(revenue), min(currency)
            from usage_events
            where org_id = ? and environment = ? and occurred_at >= ? and occurred_at < ?
              and agent_session_id is not null %s
            group by agent_session_id
            order by sum(revenue) desc, sum(cost) desc, agent_session_id
            limit ?""";

    static final String TOOLS = """
            select agent_session_id, d.key, sum((d.value->>'quantity')::bigint), sum((d.value->>'cost')::numeric)
            from usage_events cross join lateral jsonb_each(usage_events.dimensions) d
            where org_id = ? and environment = ? and occurred_at >= ? and occurred_at < ?
              and agent_session_id = any(?) and d.key like 'unit.%'
            group by 1, 2 order by 1, 2""";

    static final String FLAGS = """
            select id, environment, end_user_id, reason, created_at from quota_alerts
            where org_id = ? and created_at >= ? and created_at < ? %s
            order by created_at desc, id desc limit ?""";

    private final AgroalDataSource dataSource;

    AnalyticsRepository(AgroalDataSource dataSource) {
        this.dataSource = dataSource;
    }

    /** Up to {@code limit} sessions (one more tells the caller the list was cut). */
    List<SessionRow> sessions(String org, String env, Instant from, Instant to, String endUserId, int limit) {
        try (Connection c = dataSource.getConnection()) {
            Map<String, SessionRow> rows = new LinkedHashMap<>();
            try (PreparedStatement ps = c
                    .prepareStatement(SESSIONS.formatted(endUserId == null ? "" : "and end_user_id = ?"))) {
                int i = bindWindow(ps, org, env, from, to);
                if (endUserId != null) {
                    ps.setString(i++, endUserId);
                }
                ps.setInt(i, limit);
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        rows.put(rs.getString(1), new SessionRow(rs.getString(1), rs.getString(2), rs.getInt(3),
                                models(rs.getArray(4)), rs.getTimestamp(5).toInstant(), rs.getTimestamp(6).toInstant(),
                                rs.getLong(7), rs.getLong(8), rs.getLong(9), rs.getLong(10),
                                scale(rs.getBigDecimal(11)),
                                scale(rs.getBigDecimal(12)), rs.getString(13), new ArrayList<>()));
                    }
                }
            }
            if (!rows.isEmpty()) {
                try (PreparedStatement ps = c.prepareStatement(TOOLS)) {
                    int i = bindWindow(ps, org, env, from, to);
                    ps.setArray(i, c.createArrayOf("text", rows.keySet().toArray()));
                    try (ResultSet rs = ps.executeQuery()) {
                        while (rs.next()) {
                            rows.get(rs.getString(1)).tools()
                                    .add(new ToolRow(rs.getString(2), rs.getLong(3), scale(rs.getBigDecimal(4))));
                        }
                    }
                }
            }
            return List.copyOf(rows.values());
        } catch (SQLException e) {
            throw new IllegalStateException("session analytics failed", e);
        }
    }

    /** Newest first, continuing before ({@code beforeAt}, {@code beforeId}) when given. */
    List<QuotaFlag> flags(String org, String env, Instant from, Instant to, String endUserId, Instant beforeAt,
            UUID beforeId, int limit) {
        StringBuilder extra = new StringBuilder();
        List<Object> args = new ArrayList<>();
        if (env != null) {
            extra.append(" and environment = ?");
            args.add(env);
        }
        if (endUserId != null) {
            extra.append(" and end_user_id = ?");
            args.add(endUserId);
        }
        if (beforeAt != null) {
            extra.append(" and created_at <= ? and (created_at, id) < (?, ?)");
            args.add(Timestamp.from(beforeAt));
            args.add(Timestamp.from(beforeAt));
            args.add(beforeId);
        }
        try (Connection c = dataSource.getConnection();
                PreparedStatement ps = c.prepareStatement(FLAGS.formatted(extra))) {
            ps.setString(1, org);
            ps.setTimestamp(2, Timestamp.from(from));
            ps.setTimestamp(3, Timestamp.from(to));
            int i = 4;
            for (Object a : args) {
                ps.setObject(i++, a);
            }
            ps.setInt(i, limit);
            List<QuotaFlag> flags = new ArrayList<>();
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    flags.add(new QuotaFlag(rs.getObject(1, UUID.class), rs.getString(2), rs.getString(3),
                            rs.getString(4), rs.getTimestamp(5).toInstant()));
                }
            }
            return flags;
        } catch (SQLException e) {
            throw new IllegalStateException("quota flags read failed", e);
        }
    }

    private static int bindWindow(PreparedStatement ps, String org, String env, Instant from, Instant to)
            throws SQLException {
        ps.setString(1, org);
        ps.setString(2, env);
        ps.setTimestamp(3, Timestamp.from(from));
        ps.setTimestamp(4, Timestamp.from(to));
        return 5;
    }

    private static List<String> models(Array array) throws SQLException {
        return array == null
                ? List.of()
                : Arrays.stream((Object[]) array.getArray()).map(String::valueOf).sorted().toList();
    }

    private static BigDecimal scale(BigDecimal v) {
        return v == null ? BigDecimal.ZERO.setScale(12) : v.setScale(12, RoundingMode.UNNECESSARY);
    }
}
