package io.accrue.usage.events;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * One organisation's events in one environment and {@code [from, to)} by occurred_at, optionally narrowed to an end
 * user, a model (canonical id or the spelling sent) or one event id; ordered by (occurred_at, event_id), the keyset
 * the cursor continues from. The SQL it builds always leads with the (org_id, environment, occurred_at) index
 * bounds, so every page and every export reads that index (see {@code UsageEventsPlansTest}).
 */
record UsageEventQuery(String org, String environment, Instant from, Instant to, String endUserId, String model,
        String eventId) {

    static final String COLUMNS = "event_id, environment, end_user_id, model_requested, model_id, provider,"
            + " input_tokens, output_tokens, cached_tokens, tool_calls, agent_session_id, occurred_at, recorded_at,"
            + " price_version_id, currency, cost, revenue, unpriced, reservation_id";

    UsageEventQuery {
        EventWindow.require(from, to);
    }

    /** The statement and its arguments, continuing after ({@code afterAt}, {@code afterId}) when given. */
    Sql sql(Instant afterAt, String afterId, Integer limit) {
        List<Object> args = new ArrayList<>(List.of(org, environment, from, to));
        StringBuilder where = new StringBuilder(
                "org_id = ? and environment = ? and occurred_at >= ? and occurred_at < ?");
        if (afterAt != null) {
            // the first term lets the index skip what came before; the row comparison breaks ties by event id
            where.append(" and occurred_at >= ? and (occurred_at, event_id) > (?, ?)");
            args.add(afterAt);
            args.add(afterAt);
            args.add(afterId);
        }
        if (endUserId != null) {
            where.append(" and end_user_id = ?");
            args.add(endUserId);
        }
        if (model != null) {
            where.append(" and (model_id = ? or model_requested = ?)");
            args.add(model);
            args.add(model);
        }
        if (eventId != null) {
            where.append(" and event_id = ?");
            args.add(eventId);
        }
        String sql = "select " + COLUMNS + " from usage_events where " + where + " order by occurred_at, event_id"
                + (limit == null ? "" : " limit " + limit);
        return new Sql(sql, args);
    }

    record Sql(String text, List<Object> args) {}
}
