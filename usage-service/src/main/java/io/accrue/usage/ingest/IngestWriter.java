package io.accrue.usage.ingest;

import java.math.BigDecimal;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.transaction.Transactional;

import com.fasterxml.jackson.databind.ObjectMapper;

import io.accrue.usage.ingest.WindowTotals.Accepted;
import io.accrue.usage.ingest.WindowTotals.DayKey;
import io.accrue.usage.ingest.WindowTotals.DayTotals;
import io.accrue.usage.ingest.WindowTotals.SessionClaim;
import io.accrue.usage.ingest.WindowTotals.SessionKey;
import io.accrue.usage.ingest.WindowTotals.Usage;
import io.accrue.usage.ingest.WindowTotals.WindowKey;
import io.accrue.usage.rating.CostParts;
import io.accrue.usage.rating.Rating;
import io.agroal.api.AgroalDataSource;

/**
 * The durable half of ingestion: one transaction for one or more requests' batches (see {@link GroupCommit}), a
 * fixed number of statements per organisation and environment (no per-event round trips). The event insert itself
 * claims the idempotency key (a CTE inserting into {@code usage_event_ids} with {@code ON CONFLICT DO NOTHING
 * RETURNING}, since V12's monthly partitions cannot hold a unique event id), and only the rows it returns move rollups
 * and quota counters — so a replay changes no total. Plain JDBC, not a repository, on purpose: this is the
 * benchmarked hot path (docs/benchmarks.md, {@code IngestionBenchmarkTest}), batched statements per transaction.
 */
@ApplicationScoped
public class IngestWriter {

    private static final ObjectMapper PLAIN = new ObjectMapper();

    private final AgroalDataSource dataSource;

    IngestWriter(AgroalDataSource dataSource) {
        this.dataSource = dataSource;
    }

    private record Tenant(String org, String env) {}

    /** An event of the write with the request it came from. */
    private record Row(int batch, RatedEvent event, Instant recordedAt) {}

    /** Writes the batches in one transaction; the answer for each batch, in the order given. */
    // Its own transaction, always: with group commit the results go back to other requests' threads, which must
    // only ever hear "accepted" for events that are committed, never for work inside someone else's transaction.
    @Transactional(Transactional.TxType.REQUIRES_NEW)
    public List<List<EventResult>> write(List<PricedBatch> batches) {
        List<List<EventResult>> results = new ArrayList<>(batches.size());
        // Organisations in a fixed order, like the rows inside each statement: writers lock in the same order.
        Map<Tenant, List<Integer>> byTenant = new TreeMap<>(
                Comparator.comparing(Tenant::org).thenComparing(Tenant::env));
        for (int b = 0; b < batches.size(); b++) {
            results.add(new ArrayList<>(batches.get(b).events().size()));
            byTenant.computeIfAbsent(new Tenant(batches.get(b).org(), batches.get(b).env()), t -> new ArrayList<>())
                    .add(b);
        }
        try (Connection c = dataSource.getConnection()) {
            for (var tenant : byTenant.entrySet()) {
                write(c, tenant.getKey(), batches, tenant.getValue(), results);
            }
            return results;
        } catch (SQLException e) {
            throw new IllegalStateException("usage ingestion failed", e);
        }
    }

    /** Which of these event ids are recorded for the organisation's environment: one indexed read, no lock. */
    public Set<String> recorded(String org, String env, List<String> eventIds) {
        Set<String> out = new HashSet<>();
        try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement("""
                select event_id from usage_event_ids
                where org_id = ? and environment = ? and event_id = any(?::text[])""")) {
            ps.setString(1, org);
            ps.setString(2, env);
            ps.setArray(3, c.createArrayOf("text", eventIds.toArray(String[]::new)));
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.add(rs.getString(1));
                }
            }
        } catch (SQLException e) {
            throw new IllegalStateException("reading recorded event ids failed", e);
        }
        return out;
    }

    private static void write(Connection c, Tenant tenant, List<PricedBatch> batches, List<Integer> mine,
            List<List<EventResult>> results) throws SQLException {
        String org = tenant.org(), env = tenant.env();
        List<Row> rows = new ArrayList<>();
        Set<String> claimed = new HashSet<>();
        Instant now = Instant.MIN;
        for (int b : mine) {
            PricedBatch batch = batches.get(b);
            now = batch.recordedAt().isAfter(now) ? batch.recordedAt() : now;
            for (RatedEvent e : batch.events()) {
                if (claimed.add(e.request().eventId())) {
                    rows.add(new Row(b, e, batch.recordedAt()));
                } else {
                    // An earlier request of the same group claimed this id: as if they had run one after the other.
                    results.get(b).add(EventResult.duplicate(e.index(), e.request().eventId()));
                }
            }
        }
        // Events inserted in event-id order: with several writers (GroupCommit.writers), two transactions that share
        // ids wait on each other's speculative inserts in the same order, so they queue instead of deadlocking.
        rows.sort(Comparator.comparing(r -> r.event().request().eventId()));
        String[] users = rows.stream().map(r -> r.event().request().endUserId()).distinct().sorted()
                .toArray(String[]::new);
        ensureEndUsers(c, org, users, now);
        Map<String, Rating.Pricing> pricingByUser = pricingOf(c, org, users);
        BigDecimal[] revenue = new BigDecimal[rows.size()];
        for (int i = 0; i < rows.size(); i++) {
            RatedEvent e = rows.get(i).event();
            revenue[i] = Rating.revenue(e.cost(), pricingByUser.get(e.request().endUserId()));
        }
        Set<String> inserted = insertEvents(c, org, env, rows, revenue);
        List<Accepted> accepted = new ArrayList<>(inserted.size());
        for (int i = 0; i < rows.size(); i++) {
            Row row = rows.get(i);
            RatedEvent e = row.event();
            if (inserted.contains(e.request().eventId())) {
                accepted.add(new Accepted(e, revenue[i]));
                results.get(row.batch()).add(new EventResult(e.index(), e.request().eventId(), EventResult.ACCEPTED,
                        null, null, e.modelKey(), e.priceVersionId(), e.cost(), revenue[i], e.unpriced(),
                        e.unpriced() ? null : e.parts()));
            } else {
                results.get(row.batch()).add(EventResult.duplicate(e.index(), e.request().eventId()));
            }
        }
        if (!accepted.isEmpty()) {
            Map<Instant, String> dayNames = WindowTotals.dayNames(accepted);
            List<SessionClaim> counted = claimSessions(c, org, env, WindowTotals.sessions(accepted, dayNames, now));
            upsertRollups(c, org, env, WindowTotals.days(accepted, dayNames, counted));
            upsertCounters(c, org, env, WindowTotals.windows(accepted));
            settleReservations(c, org, env, accepted, now);
        }
    }

    private static void ensureEndUsers(Connection c, String org, String[] users, Instant now) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("""
                insert into end_users (org_id, end_user_id, created_at)
                select ?, u, ? from unnest(?::text[]) u
                on conflict do nothing""")) {
            ps.setString(1, org);
            ps.setObject(2, java.sql.Timestamp.from(now));
            ps.setArray(3, c.createArrayOf("text", users));
            ps.executeUpdate();
        }
    }

    /** Each end user's pricing: their plan, else the organisation's default, else cost passed through. */
    public static Map<String, Rating.Pricing> pricingOf(Connection c, String org, String[] users) throws SQLException {
        Map<String, Rating.Pricing> out = new HashMap<>();
        try (PreparedStatement ps = c.prepareStatement("""
                select u.end_user_id, p.pricing, p.markup_percent, p.target_margin_percent, p.fee_per_request
                from end_users u
                left join rate_plans p on p.org_id = u.org_id
                     and (p.id = u.rate_plan_id or (u.rate_plan_id is null and p.is_default))
                where u.org_id = ? and u.end_user_id = any(?::text[])""")) {
            ps.setString(1, org);
            ps.setArray(2, c.createArrayOf("text", users));
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    String pricing = rs.getString(2);
                    Rating.Pricing p = pricing == null
                            ? new Rating.Markup(BigDecimal.ZERO, BigDecimal.ZERO)
                            : "margin".equals(pricing)
                                    ? Rating.TargetMargin.ofPercent(rs.getBigDecimal(4), rs.getBigDecimal(5))
                                    : Rating.Markup.ofPercent(rs.getBigDecimal(3), rs.getBigDecimal(5));
                    out.put(rs.getString(1), p);
                }
            }
        }
        return out;
    }

    private static Set<String> insertEvents(Connection c, String org, String env, List<Row> rows,
            BigDecimal[] revenue) throws SQLException {
        int n = rows.size();
        String[] ids = new String[n], users = new String[n], requested = new String[n], models = new String[n],
                providers = new String[n], sessions = new String[n], units = new String[n], metadata = new String[n],
                occurred = new String[n], recorded = new String[n], versions = new String[n],
                currencies = new String[n], reservations = new String[n], dimensions = new String[n];
        Long[] input = new Long[n], output = new Long[n], cached = new Long[n];
        Long[][] parts = new Long[7][n];
        String[] tiers = new String[n], formats = new String[n];
        Integer[] tools = new Integer[n];
        BigDecimal[] costs = new BigDecimal[n];
        Boolean[] unpriced = new Boolean[n];
        // A group holds a handful of requests and price versions: each is formatted once, not once per event.
        Map<Object, String> text = new HashMap<>();
        for (int i = 0; i < n; i++) {
            RatedEvent e = rows.get(i).event();
            UsageEventRequest r = e.request();
            ids[i] = r.eventId();
            users[i] = r.endUserId();
            requested[i] = r.model();
            models[i] = e.canonicalModel();
            providers[i] = e.provider();
            sessions[i] = r.agentSessionId();
            units[i] = json(e.metered().units());
            metadata[i] = json(r.metadata());
            occurred[i] = r.occurredAt().toString();
            recorded[i] = text.computeIfAbsent(rows.get(i).recordedAt(), Object::toString);
            versions[i] = e.priceVersionId() == null
                    ? null
                    : text.computeIfAbsent(e.priceVersionId(), Object::toString);
            currencies[i] = e.currency();
            reservations[i] = r.reservationId() == null ? null : r.reservationId().toString();
            input[i] = e.metered().inputTokens();
            output[i] = e.metered().outputTokens();
            cached[i] = e.metered().cacheReadTokens();
            parts[0][i] = e.metered().cacheWriteTokens();
            parts[1][i] = e.metered().cacheWrite1hTokens();
            parts[2][i] = e.metered().audioInputTokens();
            parts[3][i] = e.metered().audioOutputTokens();
            parts[4][i] = e.metered().imageInputTokens();
            parts[5][i] = e.metered().imageOutputTokens();
            parts[6][i] = e.metered().reasoningTokens();
            tiers[i] = e.metered().serviceTier().wireName();
            formats[i] = r.usage() == null ? null : r.usageFormat();
            tools[i] = r.tools();
            costs[i] = e.cost();
            unpriced[i] = e.unpriced();
            dimensions[i] = CostParts.json(e.parts());
        }
        Set<String> inserted = new HashSet<>();
        try (PreparedStatement ps = c.prepareStatement(
                """
                        with claimed as (
                            insert into usage_event_ids (org_id, environment, event_id, occurred_at)
                            select ?, ?, t.id, t.occurred::timestamptz from unnest(?::text[], ?::text[]) as t(id, occurred)
                            on conflict do nothing
                            returning event_id)
                        insert into usage_events (org_id, environment, event_id, end_user_id, model_requested, model_id, provider,
                            input_tokens, output_tokens, cached_tokens, tool_calls, agent_session_id, units, metadata,
                            occurred_at, recorded_at, price_version_id, currency, cost, revenue, unpriced, reservation_id,
                            cache_write_tokens, cache_write_1h_tokens, audio_input_tokens, audio_output_tokens,
                            image_input_tokens, image_output_tokens, reasoning_tokens, service_tier, usage_format,
                            dimensions)
                        select ?, ?, t.id, t.usr, t.req, t.model, t.provider, t.inp, t.outp, t.cached, t.tools, t.session,
                            t.units::jsonb, t.meta::jsonb, t.occurred::timestamptz, t.recorded::timestamptz, t.version::uuid,
                            t.currency, t.cost, t.revenue, t.unpriced, t.reservation::uuid,
                            t.cw, t.cw1h, t.ai, t.ao, t.ii, t.io, t.rs, t.tier, t.fmt, t.dims::jsonb
                        from unnest(?::text[], ?::text[], ?::text[], ?::text[], ?::text[], ?::bigint[], ?::bigint[], ?::bigint[],
                            ?::int[], ?::text[], ?::text[], ?::text[], ?::text[], ?::text[], ?::text[], ?::text[],
                            ?::numeric[], ?::numeric[], ?::boolean[], ?::text[],
                            ?::bigint[], ?::bigint[], ?::bigint[], ?::bigint[], ?::bigint[], ?::bigint[], ?::bigint[],
                            ?::text[], ?::text[], ?::text[])
                            as t(id, usr, req, model, provider, inp, outp, cached, tools, session, units, meta, occurred,
                                 recorded, version, currency, cost, revenue, unpriced, reservation,
                                 cw, cw1h, ai, ao, ii, io, rs, tier, fmt, dims)
                        join claimed on claimed.event_id = t.id
                        returning event_id""")) {
            int p = 1;
            // the claim of the ids (V12: usage_event_ids is the idempotency key, usage_events is partitioned by month)
            ps.setString(p++, org);
            ps.setString(p++, env);
            ps.setArray(p++, c.createArrayOf("text", ids));
            ps.setArray(p++, c.createArrayOf("text", occurred));
            ps.setString(p++, org);
            ps.setString(p++, env);
            ps.setArray(p++, c.createArrayOf("text", ids));
            ps.setArray(p++, c.createArrayOf("text", users));
            ps.setArray(p++, c.createArrayOf("text", requested));
            ps.setArray(p++, c.createArrayOf("text", models));
            ps.setArray(p++, c.createArrayOf("text", providers));
            ps.setArray(p++, c.createArrayOf("bigint", input));
            ps.setArray(p++, c.createArrayOf("bigint", output));
            ps.setArray(p++, c.createArrayOf("bigint", cached));
            ps.setArray(p++, c.createArrayOf("int4", tools));
            ps.setArray(p++, c.createArrayOf("text", sessions));
            ps.setArray(p++, c.createArrayOf("text", units));
            ps.setArray(p++, c.createArrayOf("text", metadata));
            ps.setArray(p++, c.createArrayOf("text", occurred));
            ps.setArray(p++, c.createArrayOf("text", recorded));
            ps.setArray(p++, c.createArrayOf("text", versions));
            ps.setArray(p++, c.createArrayOf("text", currencies));
            ps.setArray(p++, c.createArrayOf("numeric", costs));
            ps.setArray(p++, c.createArrayOf("numeric", revenue));
            ps.setArray(p++, c.createArrayOf("bool", unpriced));
            ps.setArray(p++, c.createArrayOf("text", reservations));
            for (Long[] part : parts) {
                ps.setArray(p++, c.createArrayOf("bigint", part));
            }
            ps.setArray(p++, c.createArrayOf("text", tiers));
            ps.setArray(p++, c.createArrayOf("text", formats));
            ps.setArray(p++, c.createArrayOf("text", dimensions));
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    inserted.add(rs.getString(1));
                }
            }
        }
        return inserted;
    }

    /** Agent sessions count once per month and session id: returns the claims made for the first time. */
    private static List<SessionClaim> claimSessions(Connection c, String org, String env, List<SessionClaim> claims)
            throws SQLException {
        List<SessionClaim> fresh = new ArrayList<>();
        if (claims.isEmpty()) {
            return fresh;
        }
        Map<SessionKey, SessionClaim> byKey = new HashMap<>();
        claims.forEach(x -> byKey.put(x.key(), x));
        try (PreparedStatement ps = c.prepareStatement("""
                insert into agent_session_periods (org_id, environment, month, session_id, day, end_user_id, model,
                    occurred_at, recorded_at)
                select ?, ?, t.mo::date, t.s, t.d::date, t.u, t.m, t.o::timestamptz, t.r::timestamptz
                from unnest(?::text[], ?::text[], ?::text[], ?::text[], ?::text[], ?::text[], ?::text[])
                    as t(mo, s, d, u, m, o, r)
                on conflict do nothing
                returning month::text, session_id""")) {
            ps.setString(1, org);
            ps.setString(2, env);
            ps.setArray(3, c.createArrayOf("text", claims.stream().map(x -> x.key().month()).toArray()));
            ps.setArray(4, c.createArrayOf("text", claims.stream().map(x -> x.key().session()).toArray()));
            ps.setArray(5, c.createArrayOf("text", claims.stream().map(SessionClaim::day).toArray()));
            ps.setArray(6, c.createArrayOf("text", claims.stream().map(SessionClaim::endUser).toArray()));
            ps.setArray(7, c.createArrayOf("text", claims.stream().map(SessionClaim::model).toArray()));
            ps.setArray(8, c.createArrayOf("text", claims.stream().map(x -> x.occurredAt().toString()).toArray()));
            ps.setArray(9, c.createArrayOf("text", claims.stream().map(x -> x.recordedAt().toString()).toArray()));
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    fresh.add(byKey.get(new SessionKey(rs.getString(1), rs.getString(2))));
                }
            }
        }
        return fresh;
    }

    private static void upsertRollups(Connection c, String org, String env, TreeMap<DayKey, DayTotals> rows)
            throws SQLException {
        int n = rows.size();
        String[] days = new String[n], users = new String[n], models = new String[n], providers = new String[n];
        Long[] in = new Long[n], out = new Long[n], cached = new Long[n], req = new Long[n], ses = new Long[n],
                tools = new Long[n], unp = new Long[n], cw = new Long[n], ai = new Long[n], ao = new Long[n],
                rsn = new Long[n];
        BigDecimal[] cost = new BigDecimal[n], rev = new BigDecimal[n];
        String[] dims = new String[n];
        int i = 0;
        for (var entry : rows.entrySet()) {
            DayKey k = entry.getKey();
            DayTotals t = entry.getValue();
            days[i] = k.day();
            users[i] = k.endUser();
            models[i] = k.model();
            providers[i] = t.provider;
            in[i] = t.input;
            out[i] = t.output;
            cached[i] = t.cached;
            req[i] = t.requests;
            ses[i] = t.sessions;
            tools[i] = t.tools;
            unp[i] = t.unpriced;
            cw[i] = t.cacheWrite;
            ai[i] = t.audioInput;
            ao[i] = t.audioOutput;
            rsn[i] = t.reasoning;
            cost[i] = t.cost;
            rev[i] = t.revenue;
            dims[i] = CostParts.json(t.parts.values());
            i++;
        }
        try (PreparedStatement ps = c.prepareStatement("""
                insert into usage_daily as d (org_id, environment, day, end_user_id, model, provider, input_tokens,
                    output_tokens, cached_tokens, requests, agent_sessions, tool_calls, cost, revenue, unpriced_events,
                    cache_write_tokens, audio_input_tokens, audio_output_tokens, reasoning_tokens, dimensions)
                select ?, ?, t.day::date, t.u, t.m, t.p, t.i, t.o, t.c, t.r, t.s, t.tc, t.cost, t.rev, t.unp,
                    t.cw, t.ai, t.ao, t.rsn, t.dims::jsonb
                from unnest(?::text[], ?::text[], ?::text[], ?::text[], ?::bigint[], ?::bigint[], ?::bigint[],
                    ?::bigint[], ?::bigint[], ?::bigint[], ?::numeric[], ?::numeric[], ?::bigint[],
                    ?::bigint[], ?::bigint[], ?::bigint[], ?::bigint[], ?::text[])
                    as t(day, u, m, p, i, o, c, r, s, tc, cost, rev, unp, cw, ai, ao, rsn, dims)
                on conflict (org_id, environment, day, end_user_id, model) do update set
                    input_tokens = d.input_tokens + excluded.input_tokens,
                    output_tokens = d.output_tokens + excluded.output_tokens,
                    cached_tokens = d.cached_tokens + excluded.cached_tokens,
                    requests = d.requests + excluded.requests,
                    agent_sessions = d.agent_sessions + excluded.agent_sessions,
                    tool_calls = d.tool_calls + excluded.tool_calls,
                    cost = d.cost + excluded.cost,
                    revenue = d.revenue + excluded.revenue,
                    unpriced_events = d.unpriced_events + excluded.unpriced_events,
                    cache_write_tokens = d.cache_write_tokens + excluded.cache_write_tokens,
                    audio_input_tokens = d.audio_input_tokens + excluded.audio_input_tokens,
                    audio_output_tokens = d.audio_output_tokens + excluded.audio_output_tokens,
                    reasoning_tokens = d.reasoning_tokens + excluded.reasoning_tokens,
                    dimensions = usage_dimensions_add(d.dimensions, excluded.dimensions)""")) {
            int p = 1;
            ps.setString(p++, org);
            ps.setString(p++, env);
            for (Object[] arr : new Object[][]{days, users, models, providers}) {
                ps.setArray(p++, c.createArrayOf("text", arr));
            }
            for (Object[] arr : new Object[][]{in, out, cached, req, ses, tools}) {
                ps.setArray(p++, c.createArrayOf("bigint", arr));
            }
            ps.setArray(p++, c.createArrayOf("numeric", cost));
            ps.setArray(p++, c.createArrayOf("numeric", rev));
            ps.setArray(p++, c.createArrayOf("bigint", unp));
            for (Object[] arr : new Object[][]{cw, ai, ao, rsn}) {
                ps.setArray(p++, c.createArrayOf("bigint", arr));
            }
            ps.setArray(p++, c.createArrayOf("text", dims));
            ps.executeUpdate();
        }
    }

    /** Moves the quota counters (day, month, minute windows) by what was used. */
    private static void upsertCounters(Connection c, String org, String env, TreeMap<WindowKey, Usage> rows)
            throws SQLException {
        int n = rows.size();
        String[] users = new String[n], kinds = new String[n], starts = new String[n];
        Long[] tokens = new Long[n], requests = new Long[n];
        BigDecimal[] cost = new BigDecimal[n];
        Map<Instant, String> startNames = new HashMap<>();
        int i = 0;
        for (var entry : rows.entrySet()) {
            WindowKey k = entry.getKey();
            users[i] = k.endUser();
            kinds[i] = k.kind();
            starts[i] = startNames.computeIfAbsent(k.start(), Instant::toString);
            tokens[i] = entry.getValue().tokens;
            requests[i] = entry.getValue().requests;
            cost[i] = entry.getValue().cost;
            i++;
        }
        try (PreparedStatement ps = c.prepareStatement("""
                insert into quota_counters as q (org_id, environment, end_user_id, window_kind, window_start,
                    used_tokens, used_requests, used_cost)
                select ?, ?, t.u, t.k, t.s::timestamptz, t.tok, t.req, t.cost
                from unnest(?::text[], ?::text[], ?::text[], ?::bigint[], ?::bigint[], ?::numeric[])
                    as t(u, k, s, tok, req, cost)
                on conflict (org_id, environment, end_user_id, window_kind, window_start) do update set
                    used_tokens = q.used_tokens + excluded.used_tokens,
                    used_requests = q.used_requests + excluded.used_requests,
                    used_cost = q.used_cost + excluded.used_cost""")) {
            ps.setString(1, org);
            ps.setString(2, env);
            ps.setArray(3, c.createArrayOf("text", users));
            ps.setArray(4, c.createArrayOf("text", kinds));
            ps.setArray(5, c.createArrayOf("text", starts));
            ps.setArray(6, c.createArrayOf("bigint", tokens));
            ps.setArray(7, c.createArrayOf("bigint", requests));
            ps.setArray(8, c.createArrayOf("numeric", cost));
            ps.executeUpdate();
        }
    }

    /** An event naming an open reservation settles it: what was held is released, the actual use now counts. */
    private static void settleReservations(Connection c, String org, String env, List<Accepted> events, Instant now)
            throws SQLException {
        List<UUID> ids = events.stream().map(a -> a.event().request().reservationId())
                .filter(java.util.Objects::nonNull).distinct().sorted().toList();
        if (ids.isEmpty()) {
            return;
        }
        List<Object[]> settled = new ArrayList<>();
        try (PreparedStatement ps = c.prepareStatement("""
                update reservations set status = 'settled', settled_at = ?
                where id = any(?::uuid[]) and org_id = ? and environment = ? and status = 'open'
                returning end_user_id, tokens, cost, day_start, month_start""")) {
            ps.setObject(1, java.sql.Timestamp.from(now));
            ps.setArray(2, c.createArrayOf("uuid", ids.toArray()));
            ps.setString(3, org);
            ps.setString(4, env);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    settled.add(new Object[]{rs.getString(1), rs.getLong(2), rs.getBigDecimal(3),
                            rs.getTimestamp(4).toInstant(), rs.getTimestamp(5).toInstant()});
                }
            }
        }
        for (Object[] r : settled) {
            ReservationCounters.release(c, org, env, (String) r[0], (Long) r[1], (BigDecimal) r[2], (Instant) r[3],
                    (Instant) r[4]);
        }
    }

    private static String json(Map<String, ?> map) {
        if (map == null || map.isEmpty()) {
            return null;
        }
        try {
            return PLAIN.writeValueAsString(map);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalArgumentException(e);
        }
    }
}
