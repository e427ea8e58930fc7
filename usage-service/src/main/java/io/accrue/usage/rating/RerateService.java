package io.accrue.usage.rating;

import java.math.BigDecimal;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.time.temporal.TemporalAdjusters;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.transaction.Transactional;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.accrue.common.error.ApiException;
import io.accrue.usage.ingest.IngestWriter;
import io.accrue.usage.pricing.PriceCatalog;
import io.accrue.usage.pricing.Prices;
import io.accrue.usage.pricing.ServiceTier;
import io.agroal.api.AgroalDataSource;

/**
 * Prices usage that was recorded unpriced ({@code unknown-model=flag}, or a unit the version did not price) once an
 * operator has added the missing price: each such event of the model is rated as ingestion would rate it now
 * (the version in effect at its {@code occurredAt}, else one added {@code forUnpricedUsage}), and its rollup and
 * quota rows move with it, in one transaction. Events that were priced are never touched; each event is re-rated
 * at most once (it then names the audited run).
 */
@ApplicationScoped
public class RerateService {

    /** Events per run: a larger backlog takes several runs (the answer says so). */
    static final int MAX_EVENTS = 5_000;
    private static final ObjectMapper PLAIN = new ObjectMapper();

    private final AgroalDataSource dataSource;
    private final PriceCatalog catalog;
    private final Clock clock;

    RerateService(AgroalDataSource dataSource, PriceCatalog catalog, Clock clock) {
        this.dataSource = dataSource;
        this.catalog = catalog;
        this.clock = clock;
    }

    public record Result(UUID runId, String modelId, int examined, int rerated, int stillUnpriced, boolean more,
            BigDecimal cost, BigDecimal revenue) {}

    /** One audited re-rating run. */
    public record RunView(UUID id, String actor, String reason, String modelId, Instant from, Instant to, int events,
            BigDecimal cost, BigDecimal revenue, Instant createdAt) {}

    /** The audit trail of re-ratings, newest first (at most 100). */
    public List<RunView> runs() {
        List<RunView> out = new ArrayList<>();
        try (Connection c = dataSource.getConnection();
                PreparedStatement ps = c.prepareStatement("""
                        select id, actor, reason, model_id, window_from, window_to, events, cost, revenue, created_at
                        from rerate_runs order by created_at desc, id limit 100""");
                ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                out.add(new RunView(rs.getObject(1, UUID.class), rs.getString(2), rs.getString(3), rs.getString(4),
                        rs.getTimestamp(5) == null ? null : rs.getTimestamp(5).toInstant(),
                        rs.getTimestamp(6) == null ? null : rs.getTimestamp(6).toInstant(), rs.getInt(7),
                        rs.getBigDecimal(8).setScale(Rating.SCALE), rs.getBigDecimal(9).setScale(Rating.SCALE),
                        rs.getTimestamp(10).toInstant()));
            }
        } catch (SQLException e) {
            throw new IllegalStateException("reading re-rating runs failed", e);
        }
        return out;
    }

    private record Row(String org, String env, String eventId, String endUser, String requested, String oldModel,
            Instant occurredAt, Metered metered, int tools) {}

    @Transactional
    public Result rerate(String spelling, Instant from, Instant to, String reason, String actor) {
        PriceCatalog.ResolvedModel model = catalog.resolve(spelling).orElseThrow(() -> ApiException.notFound(
                "model_not_found", "No model or spelling '" + spelling + "' in the pricing catalog."));
        if (from != null && to != null && !from.isBefore(to)) {
            throw ApiException.badRequest("window_invalid", "from must be before to: the window is [from, to).");
        }
        Instant now = clock.instant();
        UUID run = UUID.randomUUID();
        try (Connection c = dataSource.getConnection()) {
            try (PreparedStatement ps = c.prepareStatement("""
                    insert into rerate_runs (id, actor, reason, model_id, window_from, window_to, events, cost, revenue,
                        created_at) values (?, ?, ?, ?, ?, ?, 0, 0, 0, ?)""")) {
                ps.setObject(1, run);
                ps.setString(2, actor);
                ps.setString(3, reason);
                ps.setString(4, model.modelId());
                ps.setTimestamp(5, from == null ? null : Timestamp.from(from));
                ps.setTimestamp(6, to == null ? null : Timestamp.from(to));
                ps.setTimestamp(7, Timestamp.from(now));
                ps.executeUpdate();
            }
            List<Row> rows = candidates(c, from, to);
            int examined = rows.size(), rerated = 0, still = 0;
            BigDecimal cost = BigDecimal.ZERO, revenue = BigDecimal.ZERO;
            for (Row r : rows) {
                if (catalog.resolve(r.requested()).map(m -> m.modelId().equals(model.modelId())).orElse(false)) {
                    Optional<Prices> prices = priced(model, r);
                    if (prices.isEmpty()) {
                        still++;
                        continue;
                    }
                    Rating.Rated rated = Rating.rate(prices.get(), r.metered());
                    BigDecimal eventCost = rated.cost();
                    String dims = CostParts.json(rated.parts());
                    Rating.Pricing pricing = IngestWriter.pricingOf(c, r.org(), new String[]{r.endUser()})
                            .getOrDefault(r.endUser(), new Rating.Markup(BigDecimal.ZERO, BigDecimal.ZERO));
                    BigDecimal eventRevenue = Rating.revenue(eventCost, pricing);
                    if (apply(c, run, model, prices.get(), r, eventCost, eventRevenue, dims)) {
                        rerated++;
                        cost = cost.add(eventCost);
                        revenue = revenue.add(eventRevenue);
                    }
                }
            }
            try (PreparedStatement ps = c.prepareStatement(
                    "update rerate_runs set events = ?, cost = ?, revenue = ? where id = ?")) {
                ps.setInt(1, rerated);
                ps.setBigDecimal(2, cost);
                ps.setBigDecimal(3, revenue);
                ps.setObject(4, run);
                ps.executeUpdate();
            }
            return new Result(run, model.modelId(), examined, rerated, still, examined == MAX_EVENTS,
                    cost.setScale(Rating.SCALE), revenue.setScale(Rating.SCALE));
        } catch (SQLException e) {
            throw new IllegalStateException("re-rating failed", e);
        }
    }

    private static Optional<Prices> priced(PriceCatalog.ResolvedModel model, Row r) {
        Optional<Prices> p = model.at(r.occurredAt()).filter(x -> Rating.rate(x, r.metered()).priced());
        return p.isPresent()
                ? p
                : model.forUnpricedAt(r.occurredAt()).filter(x -> Rating.rate(x, r.metered()).priced());
    }

    private static List<Row> candidates(Connection c, Instant from, Instant to) throws SQLException {
        List<Row> out = new ArrayList<>();
        try (PreparedStatement ps = c.prepareStatement(
                """
                        select org_id, environment, event_id, end_user_id, model_requested, coalesce(model_id, model_requested),
                               occurred_at, input_tokens, output_tokens, cached_tokens, cache_write_tokens, cache_write_1h_tokens,
                               audio_input_tokens, audio_output_tokens, image_input_tokens, image_output_tokens, reasoning_tokens,
                               service_tier, units::text, tool_calls
                        from usage_events
                        where unpriced and rerate_run_id is null
                          and (?::timestamptz is null or occurred_at >= ?) and (?::timestamptz is null or occurred_at < ?)
                        order by org_id, environment, occurred_at, event_id
                        limit ? for update skip locked""")) {
            ps.setTimestamp(1, from == null ? null : Timestamp.from(from));
            ps.setTimestamp(2, from == null ? null : Timestamp.from(from));
            ps.setTimestamp(3, to == null ? null : Timestamp.from(to));
            ps.setTimestamp(4, to == null ? null : Timestamp.from(to));
            ps.setInt(5, MAX_EVENTS);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    Map<String, Long> units = rs.getString(19) == null ? Map.of() : parseUnits(rs.getString(19));
                    Metered m = new Metered(rs.getLong(8), rs.getLong(9), rs.getLong(10), rs.getLong(11),
                            rs.getLong(12), rs.getLong(13), rs.getLong(14), rs.getLong(15), rs.getLong(16),
                            rs.getLong(17), ServiceTier.parse(rs.getString(18)).orElse(ServiceTier.STANDARD), units);
                    out.add(new Row(rs.getString(1), rs.getString(2), rs.getString(3), rs.getString(4),
                            rs.getString(5), rs.getString(6), rs.getTimestamp(7).toInstant(), m, rs.getInt(20)));
                }
            }
        }
        return out;
    }

    /** The event, its rollup rows and its quota counters, moved together; false if another run priced it first. */
    private static boolean apply(Connection c, UUID run, PriceCatalog.ResolvedModel model, Prices prices, Row r,
            BigDecimal cost, BigDecimal revenue, String dims) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("""
                update usage_events set model_id = ?, provider = ?, price_version_id = ?, currency = ?, cost = ?,
                    revenue = ?, unpriced = false, rerate_run_id = ?, dimensions = ?::jsonb
                where org_id = ? and environment = ? and event_id = ? and unpriced""")) {
            int p = 1;
            ps.setString(p++, model.modelId());
            ps.setString(p++, model.providerId());
            ps.setObject(p++, prices.versionId());
            ps.setString(p++, prices.currency());
            ps.setBigDecimal(p++, cost);
            ps.setBigDecimal(p++, revenue);
            ps.setObject(p++, run);
            ps.setString(p++, dims);
            ps.setString(p++, r.org());
            ps.setString(p++, r.env());
            ps.setString(p++, r.eventId());
            if (ps.executeUpdate() != 1) {
                return false;
            }
        }
        Metered m = r.metered();
        java.sql.Date day = java.sql.Date.valueOf(r.occurredAt().atZone(ZoneOffset.UTC).toLocalDate());
        Object[] counts = {m.inputTokens(), m.outputTokens(), m.cacheReadTokens(),
                m.cacheWriteTokens() + m.cacheWrite1hTokens(), m.audioInputTokens(), m.audioOutputTokens(),
                m.reasoningTokens(), (long) r.tools()};
        if (!r.oldModel().equals(model.modelId())) {
            // Out of the row it was counted in under its requested spelling (sessions stay where they were counted).
            try (PreparedStatement ps = c.prepareStatement("""
                    update usage_daily set input_tokens = input_tokens - ?, output_tokens = output_tokens - ?,
                        cached_tokens = cached_tokens - ?, cache_write_tokens = cache_write_tokens - ?,
                        audio_input_tokens = audio_input_tokens - ?, audio_output_tokens = audio_output_tokens - ?,
                        reasoning_tokens = reasoning_tokens - ?, tool_calls = tool_calls - ?, requests = requests - 1,
                        unpriced_events = unpriced_events - 1
                    where org_id = ? and environment = ? and day = ? and end_user_id = ? and model = ?""")) {
                int p = 1;
                for (Object v : counts) {
                    ps.setLong(p++, (Long) v);
                }
                ps.setString(p++, r.org());
                ps.setString(p++, r.env());
                ps.setDate(p++, day);
                ps.setString(p++, r.endUser());
                ps.setString(p++, r.oldModel());
                ps.executeUpdate();
            }
            try (PreparedStatement ps = c.prepareStatement(
                    """
                            insert into usage_daily as d (org_id, environment, day, end_user_id, model, provider, input_tokens,
                                output_tokens, cached_tokens, cache_write_tokens, audio_input_tokens, audio_output_tokens,
                                reasoning_tokens, tool_calls, requests, agent_sessions, cost, revenue, unpriced_events, dimensions)
                            values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 1, 0, ?, ?, 0, ?::jsonb)
                            on conflict (org_id, environment, day, end_user_id, model) do update set
                                input_tokens = d.input_tokens + excluded.input_tokens,
                                output_tokens = d.output_tokens + excluded.output_tokens,
                                cached_tokens = d.cached_tokens + excluded.cached_tokens,
                                cache_write_tokens = d.cache_write_tokens + excluded.cache_write_tokens,
                                audio_input_tokens = d.audio_input_tokens + excluded.audio_input_tokens,
                                audio_output_tokens = d.audio_output_tokens + excluded.audio_output_tokens,
                                reasoning_tokens = d.reasoning_tokens + excluded.reasoning_tokens,
                                tool_calls = d.tool_calls + excluded.tool_calls, requests = d.requests + 1,
                                cost = d.cost + excluded.cost, revenue = d.revenue + excluded.revenue,
                                dimensions = usage_dimensions_add(d.dimensions, excluded.dimensions)""")) {
                int p = 1;
                ps.setString(p++, r.org());
                ps.setString(p++, r.env());
                ps.setDate(p++, day);
                ps.setString(p++, r.endUser());
                ps.setString(p++, model.modelId());
                ps.setString(p++, model.providerId());
                for (Object v : counts) {
                    ps.setLong(p++, (Long) v);
                }
                ps.setBigDecimal(p++, cost);
                ps.setBigDecimal(p++, revenue);
                ps.setString(p++, dims);
                ps.executeUpdate();
            }
        } else {
            try (PreparedStatement ps = c.prepareStatement(
                    """
                            update usage_daily set cost = cost + ?, revenue = revenue + ?, unpriced_events = unpriced_events - 1,
                                dimensions = usage_dimensions_add(dimensions, ?::jsonb)
                            where org_id = ? and environment = ? and day = ? and end_user_id = ? and model = ?""")) {
                ps.setBigDecimal(1, cost);
                ps.setBigDecimal(2, revenue);
                ps.setString(3, dims);
                ps.setString(4, r.org());
                ps.setString(5, r.env());
                ps.setDate(6, day);
                ps.setString(7, r.endUser());
                ps.setString(8, model.modelId());
                ps.executeUpdate();
            }
        }
        // The end user's spend windows now count what the event costs them.
        Instant dayStart = r.occurredAt().truncatedTo(ChronoUnit.DAYS);
        Instant monthStart = r.occurredAt().atZone(ZoneOffset.UTC).truncatedTo(ChronoUnit.DAYS)
                .with(TemporalAdjusters.firstDayOfMonth()).toInstant();
        try (PreparedStatement ps = c.prepareStatement(
                """
                        update quota_counters set used_cost = used_cost + ?
                        where org_id = ? and environment = ? and end_user_id = ?
                          and ((window_kind = 'day' and window_start = ?) or (window_kind = 'month' and window_start = ?))""")) {
            ps.setBigDecimal(1, revenue);
            ps.setString(2, r.org());
            ps.setString(3, r.env());
            ps.setString(4, r.endUser());
            ps.setTimestamp(5, Timestamp.from(dayStart));
            ps.setTimestamp(6, Timestamp.from(monthStart));
            ps.executeUpdate();
        }
        return true;
    }

    private static Map<String, Long> parseUnits(String json) {
        try {
            return PLAIN.readValue(json, new TypeReference<Map<String, Long>>() {
            });
        } catch (java.io.IOException e) {
            throw new IllegalStateException("units is not a map of counts", e);
        }
    }
}
