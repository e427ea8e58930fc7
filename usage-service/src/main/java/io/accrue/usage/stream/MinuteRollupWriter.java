package io.accrue.usage.stream;

import java.math.BigDecimal;
import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.util.Comparator;
import java.util.List;
import java.util.Map;

import jakarta.enterprise.context.ApplicationScoped;

import io.accrue.common.time.WallTime;
import io.agroal.api.AgroalDataSource;

/**
 * Upserts minutes' latest totals into {@code usage_minute_rollups} in one statement (arrays, no per-row round trip):
 * a row is replaced only by totals of more events, so an older value arriving late — a replay of the rollup topic, a
 * sink restarted from older offsets — never overwrites a newer one, and the same value twice changes nothing.
 */
@ApplicationScoped
public class MinuteRollupWriter {

    private final AgroalDataSource dataSource;
    private final WallTime clock;

    MinuteRollupWriter(AgroalDataSource dataSource, WallTime clock) {
        this.dataSource = dataSource;
        this.clock = clock;
    }

    /** Writes the latest totals of each key (one per key); returns the rows inserted or moved forward. */
    int write(Map<MinuteKey, MinuteTotals> latest) {
        if (latest.isEmpty()) {
            return 0;
        }
        // rows in one order for every sink replica: two statements over the same keys queue, never deadlock
        List<Map.Entry<MinuteKey, MinuteTotals>> rows = latest.entrySet().stream()
                .sorted(Comparator.comparing((Map.Entry<MinuteKey, MinuteTotals> e) -> e.getKey().org())
                        .thenComparing(e -> e.getKey().env()).thenComparing(e -> e.getKey().minute())
                        .thenComparing(e -> e.getKey().endUser()).thenComparing(e -> e.getKey().model())
                        .thenComparing(e -> e.getKey().currency()))
                .toList();
        int n = rows.size();
        String[] orgs = new String[n], envs = new String[n], users = new String[n], models = new String[n],
                currencies = new String[n];
        Timestamp[] minutes = new Timestamp[n];
        Long[][] counts = new Long[13][n];
        BigDecimal[] cost = new BigDecimal[n];
        for (int i = 0; i < n; i++) {
            MinuteKey k = rows.get(i).getKey();
            MinuteTotals t = rows.get(i).getValue();
            orgs[i] = k.org();
            envs[i] = k.env();
            users[i] = k.endUser();
            models[i] = k.model();
            currencies[i] = k.currency();
            minutes[i] = Timestamp.from(k.minute());
            long[] c = {t.events(), t.inputTokens(), t.outputTokens(), t.cacheReadTokens(), t.cacheWriteTokens(),
                    t.cacheWrite1hTokens(), t.audioInputTokens(), t.audioOutputTokens(), t.imageInputTokens(),
                    t.imageOutputTokens(), t.reasoningTokens(), t.toolCalls(), t.unpricedEvents()};
            for (int j = 0; j < c.length; j++) {
                counts[j][i] = c[j];
            }
            cost[i] = t.cost();
        }
        try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement("""
                insert into usage_minute_rollups (org_id, environment, end_user_id, model, currency, minute, events,
                    input_tokens, output_tokens, cached_tokens, cache_write_tokens, cache_write_1h_tokens,
                    audio_input_tokens, audio_output_tokens, image_input_tokens, image_output_tokens, reasoning_tokens,
                    tool_calls, unpriced_events, cost, updated_at)
                select o, e, u, m, cur, mi, ev, it, ot, ct, cw, cw1, ai, ao, ii, io, rt, tc, ue, co, ?
                from unnest(?::text[], ?::text[], ?::text[], ?::text[], ?::text[], ?::timestamptz[], ?::bigint[],
                    ?::bigint[], ?::bigint[], ?::bigint[], ?::bigint[], ?::bigint[], ?::bigint[], ?::bigint[],
                    ?::bigint[], ?::bigint[], ?::bigint[], ?::bigint[], ?::bigint[], ?::numeric[])
                    as r(o, e, u, m, cur, mi, ev, it, ot, ct, cw, cw1, ai, ao, ii, io, rt, tc, ue, co)
                on conflict (org_id, environment, minute, end_user_id, model, currency) do update set
                    events = excluded.events, input_tokens = excluded.input_tokens,
                    output_tokens = excluded.output_tokens, cached_tokens = excluded.cached_tokens,
                    cache_write_tokens = excluded.cache_write_tokens,
                    cache_write_1h_tokens = excluded.cache_write_1h_tokens,
                    audio_input_tokens = excluded.audio_input_tokens,
                    audio_output_tokens = excluded.audio_output_tokens,
                    image_input_tokens = excluded.image_input_tokens,
                    image_output_tokens = excluded.image_output_tokens, reasoning_tokens = excluded.reasoning_tokens,
                    tool_calls = excluded.tool_calls, unpriced_events = excluded.unpriced_events,
                    cost = excluded.cost, updated_at = excluded.updated_at
                where usage_minute_rollups.events < excluded.events""")) {
            int p = 1;
            ps.setTimestamp(p++, Timestamp.from(clock.now()));
            p = set(c, ps, p, "text", orgs, envs, users, models, currencies);
            ps.setArray(p++, c.createArrayOf("timestamptz", minutes));
            p = set(c, ps, p, "bigint", counts);
            ps.setArray(p, c.createArrayOf("numeric", cost));
            return ps.executeUpdate();
        } catch (SQLException e) {
            throw new IllegalStateException("writing minute rollups failed", e);
        }
    }

    private static int set(Connection c, PreparedStatement ps, int p, String type, Object[]... columns)
            throws SQLException {
        for (Object[] column : columns) {
            Array a = c.createArrayOf(type, column);
            ps.setArray(p++, a);
        }
        return p;
    }
}
