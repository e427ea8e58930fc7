package io.accrue.usage.summary;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;

import jakarta.enterprise.context.ApplicationScoped;

import io.accrue.common.error.ApiException;
import io.accrue.usage.rating.CostParts;
import io.accrue.usage.summary.UsageSummary.Counters;
import io.accrue.usage.summary.UsageSummary.DailyRow;
import io.accrue.usage.summary.UsageSummary.EndUserRow;
import io.accrue.usage.summary.UsageSummary.ModelRow;
import io.agroal.api.AgroalDataSource;

/**
 * Totals for {@code [from, to)} by occurred_at. Day-aligned windows read the daily rollups; any other window,
 * or one restricted to events recorded before an instant ({@code recordedBefore}, how invoice-service finds
 * late usage and reads each plan segment of a period), reads the events themselves, bounded by the index on
 * (org, environment, occurred_at). Both count an agent session once per UTC month and session id, where its first
 * recorded event of the month was counted ({@code agent_session_periods}), so they agree.
 */
@ApplicationScoped
public class SummaryService {

    private static final String COUNTERS_EVENTS = """
            coalesce(sum(input_tokens),0), coalesce(sum(output_tokens),0), coalesce(sum(cached_tokens),0), count(*),
            0,
            coalesce(sum(tool_calls),0), coalesce(sum(cost),0), coalesce(sum(revenue),0), count(*) filter (where unpriced),
            coalesce(sum(cache_write_tokens + cache_write_1h_tokens),0), coalesce(sum(audio_input_tokens),0),
            coalesce(sum(audio_output_tokens),0), coalesce(sum(reasoning_tokens),0)""";
    private static final String COUNTERS_ROLLUP = """
            coalesce(sum(input_tokens),0), coalesce(sum(output_tokens),0), coalesce(sum(cached_tokens),0),
            coalesce(sum(requests),0), coalesce(sum(agent_sessions),0), coalesce(sum(tool_calls),0),
            coalesce(sum(cost),0), coalesce(sum(revenue),0), coalesce(sum(unpriced_events),0),
            coalesce(sum(cache_write_tokens),0), coalesce(sum(audio_input_tokens),0),
            coalesce(sum(audio_output_tokens),0), coalesce(sum(reasoning_tokens),0)""";

    private final AgroalDataSource dataSource;

    SummaryService(AgroalDataSource dataSource) {
        this.dataSource = dataSource;
    }

    public UsageSummary summary(String org, String env, Instant from, Instant to, Instant recordedBefore) {
        requireWindow(from, to);
        boolean rollups = recordedBefore == null && aligned(from) && aligned(to);
        String source = rollups ? "usage_daily" : "usage_events";
        String where = rollups
                ? "org_id = ? and environment = ? and day >= (?::timestamptz at time zone 'UTC')::date and day < (?::timestamptz at time zone 'UTC')::date"
                : "org_id = ? and environment = ? and occurred_at >= ? and occurred_at < ?"
                        + (recordedBefore != null ? " and recorded_at < ?" : "");
        String counters = rollups ? COUNTERS_ROLLUP : COUNTERS_EVENTS;
        String modelCol = rollups ? "model" : "coalesce(model_id, model_requested)";
        try (Connection c = dataSource.getConnection()) {
            Object[] args = recordedBefore == null
                    ? new Object[]{org, env, ts(from), ts(to)}
                    : new Object[]{org, env, ts(from), ts(to), ts(recordedBefore)};
            List<ModelRow> byModel = new ArrayList<>();
            query(c, "select " + modelCol + ", provider, " + counters + " from " + source + " where " + where
                    + " group by 1, 2 order by 1, 2", args,
                    rs -> byModel.add(new ModelRow(rs.getString(1), rs.getString(2), counters(rs, 3))));
            // what each dimension of each model cost, from the same rows (events or rollups) as the counters
            java.util.Map<String, List<UsageSummary.DimensionRow>> dims = new java.util.HashMap<>();
            java.util.Map<String, UsageSummary.DimensionRow> byDimension = new java.util.TreeMap<>();
            query(c, "select " + modelCol + ", provider, d.key, sum((d.value->>'quantity')::bigint),"
                    + " sum((d.value->>'cost')::numeric) from " + source + " cross join lateral jsonb_each("
                    + source + ".dimensions) d where " + where + " group by 1, 2, 3 order by 1, 2, 3", args, rs -> {
                        var row = new UsageSummary.DimensionRow(rs.getString(3), CostParts.kind(rs.getString(3)),
                                rs.getLong(4), scale(rs.getBigDecimal(5)));
                        dims.computeIfAbsent(rs.getString(1) + "\u0000" + rs.getString(2), k -> new ArrayList<>())
                                .add(row);
                        byDimension.merge(row.dimension(), row, (a, b) -> new UsageSummary.DimensionRow(a.dimension(),
                                a.kind(), a.quantity() + b.quantity(), a.cost().add(b.cost())));
                    });
            byModel.replaceAll(r -> new ModelRow(r.model(), r.provider(), r.counters(),
                    dims.getOrDefault(r.model() + "\u0000" + r.provider(), List.of())));
            List<EndUserRow> byUser = new ArrayList<>();
            query(c, "select end_user_id, " + counters + " from " + source + " where " + where
                    + " group by 1 order by 1", args,
                    rs -> byUser.add(new EndUserRow(rs.getString(1), counters(rs, 2))));
            Counters[] totals = new Counters[1];
            query(c, "select " + counters + " from " + source + " where " + where, args,
                    rs -> totals[0] = counters(rs, 1));
            String[] currency = {"USD"};
            // The currency of this window's events. A day-aligned window (the current period the account status and
            // every quota check read) takes it from usage_currencies, a few rows per day (V10); any other window is
            // already reading its events, and reads the currency from them through the (org, environment,
            // occurred_at) index. Never over the organisation's whole history.
            String currencySql = rollups
                    ? "select max(currency) from usage_currencies where org_id = ? and environment = ?"
                            + " and day >= (?::timestamptz at time zone 'UTC')::date"
                            + " and day < (?::timestamptz at time zone 'UTC')::date"
                    : "select max(currency) from usage_events where org_id = ? and environment = ?"
                            + " and occurred_at >= ? and occurred_at < ? and currency is not null";
            query(c, currencySql, new Object[]{org, env, ts(from), ts(to)}, rs -> {
                if (rs.getString(1) != null) {
                    currency[0] = rs.getString(1);
                }
            });
            if (!rollups) {
                // Sessions from where each was counted (once per month and session id), so both paths agree.
                String sw = "org_id = ? and environment = ? and occurred_at >= ? and occurred_at < ?"
                        + (recordedBefore != null ? " and recorded_at < ?" : "");
                java.util.Map<String, Long> perModel = new java.util.HashMap<>(), perUser = new java.util.HashMap<>();
                long[] all = {0};
                query(c, "select model, end_user_id, count(*) from agent_session_periods where " + sw
                        + " group by 1, 2", args, rs -> {
                            perModel.merge(rs.getString(1), rs.getLong(3), Long::sum);
                            perUser.merge(rs.getString(2), rs.getLong(3), Long::sum);
                            all[0] += rs.getLong(3);
                        });
                java.util.Set<String> done = new java.util.HashSet<>();
                byModel.replaceAll(r -> new ModelRow(r.model(), r.provider(),
                        withSessions(r.counters(), done.add(r.model()) ? perModel.getOrDefault(r.model(), 0L) : 0),
                        r.dimensions()));
                byUser.replaceAll(r -> new EndUserRow(r.endUserId(),
                        withSessions(r.counters(), perUser.getOrDefault(r.endUserId(), 0L))));
                totals[0] = withSessions(totals[0], all[0]);
            }
            return new UsageSummary(org, env, from, to, currency[0], totals[0], byModel, byUser,
                    List.copyOf(byDimension.values()));
        } catch (SQLException e) {
            throw new IllegalStateException("summary failed", e);
        }
    }

    /** Daily series from the rollups, UTC days in [from, to). */
    public List<DailyRow> daily(String org, String env, Instant from, Instant to) {
        return daily(org, env, from, to, null);
    }

    /** The daily series of the organisation, or of one end user when {@code endUserId} is given (same rollups). */
    public List<DailyRow> daily(String org, String env, Instant from, Instant to, String endUserId) {
        requireWindow(from, to);
        List<DailyRow> rows = new ArrayList<>();
        try (Connection c = dataSource.getConnection()) {
            query(c, "select day::text, " + COUNTERS_ROLLUP + " from usage_daily where org_id = ? and environment = ?"
                    + " and day >= (?::timestamptz at time zone 'UTC')::date and day < (?::timestamptz at time zone 'UTC')::date"
                    + (endUserId == null ? "" : " and end_user_id = ?")
                    + " group by day order by day",
                    endUserId == null
                            ? new Object[]{org, env, ts(from), ts(to)}
                            : new Object[]{org, env, ts(from), ts(to), endUserId},
                    rs -> rows.add(new DailyRow(rs.getString(1), counters(rs, 2))));
        } catch (SQLException e) {
            throw new IllegalStateException("daily series failed", e);
        }
        return rows;
    }

    private interface RowHandler {
        void accept(ResultSet rs) throws SQLException;
    }

    private static void query(Connection c, String sql, Object[] args, RowHandler handler) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            for (int i = 0; i < args.length; i++) {
                ps.setObject(i + 1, args[i]);
            }
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    handler.accept(rs);
                }
            }
        }
    }

    private static Counters counters(ResultSet rs, int i) throws SQLException {
        long in = rs.getLong(i), out = rs.getLong(i + 1);
        return new Counters(in, out, rs.getLong(i + 2), in + out, rs.getLong(i + 3), rs.getLong(i + 4),
                rs.getLong(i + 5), scale(rs.getBigDecimal(i + 6)), scale(rs.getBigDecimal(i + 7)), rs.getLong(i + 8),
                rs.getLong(i + 9), rs.getLong(i + 10), rs.getLong(i + 11), rs.getLong(i + 12));
    }

    private static Counters withSessions(Counters k, long sessions) {
        return new Counters(k.inputTokens(), k.outputTokens(), k.cachedTokens(), k.totalTokens(), k.requests(),
                sessions, k.toolCalls(), k.cost(), k.revenue(), k.unpricedEvents(), k.cacheWriteTokens(),
                k.audioInputTokens(), k.audioOutputTokens(), k.reasoningTokens());
    }

    private static BigDecimal scale(BigDecimal v) {
        return v.setScale(12, RoundingMode.UNNECESSARY);
    }

    private static Timestamp ts(Instant i) {
        return Timestamp.from(i);
    }

    private static boolean aligned(Instant i) {
        return i.atZone(ZoneOffset.UTC).truncatedTo(ChronoUnit.DAYS).toInstant().equals(i);
    }

    private static void requireWindow(Instant from, Instant to) {
        if (from == null || to == null) {
            throw ApiException.badRequest("window_required", "from and to are required (ISO-8601 instants).");
        }
        if (!from.isBefore(to)) {
            throw ApiException.badRequest("window_invalid", "from must be before to: the window is [from, to).");
        }
    }
}
