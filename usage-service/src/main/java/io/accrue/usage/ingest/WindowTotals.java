package io.accrue.usage.ingest;

import java.math.BigDecimal;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * What a write adds to the daily rollups and to the quota counters, summed from its accepted events in memory so
 * that each row is upserted once per write, whatever the number of events. Keys sort the way the rows are locked:
 * every writer takes them in the same order and none can deadlock another. Pure: no JDBC.
 */
final class WindowTotals {

    private WindowTotals() {
    }

    /** An event the insert accepted, with the revenue it was rated at. */
    record Accepted(RatedEvent event, BigDecimal revenue) {}

    /** A usage_daily row: day (yyyy-MM-dd, UTC), end user, model. */
    record DayKey(String day, String endUser, String model) implements Comparable<DayKey> {
        @Override
        public int compareTo(DayKey o) {
            int c = day.compareTo(o.day);
            if (c == 0) {
                c = endUser.compareTo(o.endUser);
            }
            return c != 0 ? c : model.compareTo(o.model);
        }
    }

    /** An agent session, counted once per UTC month (yyyy-MM-01). */
    record SessionKey(String month, String session) {}

    /** Where a session is counted: the day, end user and model of its first event of the write in that month. */
    record SessionClaim(SessionKey key, String day, String endUser, String model, Instant occurredAt,
            Instant recordedAt) {}

    static final class DayTotals {
        String provider;
        long input, output, cached, requests, sessions, tools, unpriced, cacheWrite, audioInput, audioOutput, reasoning;
        BigDecimal cost = BigDecimal.ZERO, revenue = BigDecimal.ZERO;
        final Map<String, io.accrue.usage.rating.Rating.Part> parts = new java.util.TreeMap<>();
    }

    /** A quota_counters row: end user, window kind ({@code day}, {@code month}, {@code minute}), window start. */
    record WindowKey(String endUser, String kind, Instant start) implements Comparable<WindowKey> {
        @Override
        public int compareTo(WindowKey o) {
            int c = endUser.compareTo(o.endUser);
            if (c == 0) {
                c = kind.compareTo(o.kind);
            }
            return c != 0 ? c : start.compareTo(o.start);
        }
    }

    static final class Usage {
        long tokens, requests;
        BigDecimal cost = BigDecimal.ZERO;
    }

    /** The UTC day of each event's {@link RatedEvent#day()}, formatted once per distinct day. */
    static Map<Instant, String> dayNames(List<Accepted> events) {
        Map<Instant, String> names = new HashMap<>();
        for (Accepted a : events) {
            names.computeIfAbsent(a.event().day(), d -> d.atZone(ZoneOffset.UTC).toLocalDate().toString());
        }
        return names;
    }

    /** Sessions of the accepted events, one claim per month and session: its earliest event here. */
    static List<SessionClaim> sessions(List<Accepted> events, Map<Instant, String> dayNames, Instant recordedAt) {
        Map<SessionKey, SessionClaim> claims = new java.util.TreeMap<>(
                java.util.Comparator.comparing(SessionKey::month).thenComparing(SessionKey::session));
        for (Accepted a : events) {
            RatedEvent e = a.event();
            String session = e.request().agentSessionId();
            if (session == null) {
                continue;
            }
            SessionKey key = new SessionKey(e.month().atZone(ZoneOffset.UTC).toLocalDate().toString(), session);
            SessionClaim c = new SessionClaim(key, dayNames.get(e.day()), e.request().endUserId(), e.modelKey(),
                    e.request().occurredAt(), recordedAt);
            claims.merge(key, c, (x, y) -> y.occurredAt().isBefore(x.occurredAt()) ? y : x);
        }
        return List.copyOf(claims.values());
    }

    /** Rollup deltas; {@code counted} are the sessions claimed for the first time, each counted once, where claimed. */
    static TreeMap<DayKey, DayTotals> days(List<Accepted> events, Map<Instant, String> dayNames,
            List<SessionClaim> counted) {
        Map<DayKey, DayTotals> rows = new HashMap<>();
        for (Accepted a : events) {
            RatedEvent e = a.event();
            String day = dayNames.get(e.day());
            DayTotals t = rows.computeIfAbsent(new DayKey(day, e.request().endUserId(), e.modelKey()),
                    k -> new DayTotals());
            t.provider = e.provider();
            t.input += e.metered().inputTokens();
            t.output += e.metered().outputTokens();
            t.cached += e.metered().cacheReadTokens();
            t.cacheWrite += e.metered().cacheWriteTokens() + e.metered().cacheWrite1hTokens();
            t.audioInput += e.metered().audioInputTokens();
            t.audioOutput += e.metered().audioOutputTokens();
            t.reasoning += e.metered().reasoningTokens();
            t.requests++;
            t.tools += e.request().tools();
            t.unpriced += e.unpriced() ? 1 : 0;
            t.cost = t.cost.add(e.cost());
            t.revenue = t.revenue.add(a.revenue());
            io.accrue.usage.rating.CostParts.add(t.parts, e.parts());
        }
        for (SessionClaim c : counted) {
            rows.get(new DayKey(c.day(), c.endUser(), c.model())).sessions++;
        }
        return new TreeMap<>(rows);
    }

    /** Quota counter deltas: each event counts in its day, month and minute window. */
    static TreeMap<WindowKey, Usage> windows(List<Accepted> events) {
        // Events of one end user mostly share all three windows: sum per (user, day, month, minute) first, so
        // the per-event work is one map update instead of three.
        record UserWindows(String endUser, Instant day, Instant month, Instant minute) {}
        Map<UserWindows, Usage> perUser = new HashMap<>();
        for (Accepted a : events) {
            RatedEvent e = a.event();
            Usage u = perUser.computeIfAbsent(new UserWindows(e.request().endUserId(), e.day(), e.month(), e.minute()),
                    k -> new Usage());
            u.tokens += e.metered().inputTokens() + e.metered().outputTokens();
            u.requests++;
            u.cost = u.cost.add(a.revenue());
        }
        Map<WindowKey, Usage> rows = new HashMap<>();
        perUser.forEach((k, u) -> {
            add(rows, new WindowKey(k.endUser(), "day", k.day()), u);
            add(rows, new WindowKey(k.endUser(), "month", k.month()), u);
            add(rows, new WindowKey(k.endUser(), "minute", k.minute()), u);
        });
        return new TreeMap<>(rows);
    }

    private static void add(Map<WindowKey, Usage> rows, WindowKey key, Usage delta) {
        Usage u = rows.computeIfAbsent(key, k -> new Usage());
        u.tokens += delta.tokens;
        u.requests += delta.requests;
        u.cost = u.cost.add(delta.cost);
    }
}
