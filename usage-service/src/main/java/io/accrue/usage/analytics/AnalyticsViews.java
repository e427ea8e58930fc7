package io.accrue.usage.analytics;

import java.math.BigDecimal;
import java.time.Instant;
import java.util.List;
import java.util.UUID;

/** What the analytics endpoints answer (docs/analytics in the usage README). */
public final class AnalyticsViews {

    private AnalyticsViews() {
    }

    /**
     * One agent session's spend in the window: its events, tokens and tool calls, provider cost and revenue (12
     * places, as stored), and the cost of each priced unit ({@code tools}: {@code unit.web_search}…) it used.
     * {@code endUserId} is the session's end user ({@code endUsers} > 1 when one session id was reported for several).
     */
    public record SessionRow(String sessionId, String endUserId, int endUsers, List<String> models, Instant firstAt,
            Instant lastAt, long events, long inputTokens, long outputTokens, long toolCalls, BigDecimal cost,
            BigDecimal revenue, String currency, List<ToolRow> tools) {}

    /** A priced unit (a tool call kind) within a session: how many and what they cost the platform. */
    public record ToolRow(String dimension, long quantity, BigDecimal cost) {}

    /**
     * The top sessions of [from, to) by revenue, then cost. {@code truncated}: more sessions had usage than
     * {@code limit}; {@code otherSessions} totals are not listed.
     */
    public record Sessions(String orgId, String environment, Instant from, Instant to, int limit, boolean truncated,
            List<SessionRow> sessions) {}

    /** A quota check an alert-only plan let through over a limit (the check answered allowed and flagged). */
    public record QuotaFlag(UUID id, String environment, String endUserId, String reason, Instant createdAt) {}
}
