package io.accrue.usage.events;

import java.math.BigDecimal;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;

/**
 * One stored usage event as its organisation may audit it: what was reported, when, and how it was rated — the price
 * version that rated it, the provider cost and the revenue (12 places, unrounded, in {@code currency}; null
 * currency and zero amounts while {@code unpriced}).
 */
public record UsageEventView(String eventId, String environment, String endUserId, String model, String modelId,
        String provider, long inputTokens, long outputTokens, long cachedTokens, int toolCalls,
        String agentSessionId, Instant occurredAt, Instant recordedAt, String priceVersionId, String currency,
        BigDecimal cost, BigDecimal revenue, boolean unpriced, String reservationId) {

    static UsageEventView of(ResultSet rs) throws SQLException {
        return new UsageEventView(rs.getString(1), rs.getString(2), rs.getString(3), rs.getString(4),
                rs.getString(5), rs.getString(6), rs.getLong(7), rs.getLong(8), rs.getLong(9), rs.getInt(10),
                rs.getString(11), rs.getTimestamp(12).toInstant(), rs.getTimestamp(13).toInstant(),
                rs.getString(14), rs.getString(15), rs.getBigDecimal(16), rs.getBigDecimal(17), rs.getBoolean(18),
                rs.getString(19));
    }

    static final String CSV_HEADER = "event_id,environment,end_user_id,model,model_id,provider,input_tokens,"
            + "output_tokens,cached_tokens,tool_calls,agent_session_id,occurred_at,recorded_at,price_version_id,"
            + "currency,cost,revenue,unpriced,reservation_id";

    /** One CSV line (RFC 4180: a field with a comma, quote or line break is quoted, quotes doubled). */
    String csv() {
        return String.join(",", q(eventId), q(environment), q(endUserId), q(model), q(modelId), q(provider),
                Long.toString(inputTokens), Long.toString(outputTokens), Long.toString(cachedTokens),
                Integer.toString(toolCalls), q(agentSessionId), occurredAt.toString(), recordedAt.toString(),
                q(priceVersionId), q(currency), cost.toPlainString(), revenue.toPlainString(),
                Boolean.toString(unpriced), q(reservationId));
    }

    private static String q(String value) {
        if (value == null) {
            return "";
        }
        // a leading =, +, - or @ is what spreadsheets execute: prefix a quote so a cell is never a formula
        String v = !value.isEmpty() && "=+-@".indexOf(value.charAt(0)) >= 0 ? "'" + value : value;
        if (v.indexOf(',') >= 0 || v.indexOf('"') >= 0 || v.indexOf('\n') >= 0 || v.indexOf('\r') >= 0
                || !v.equals(value)) {
            return '"' + v.replace("\"", "\"\"") + '"';
        }
        return v;
    }
}
