package io.accrue.usage.summary;

import java.math.BigDecimal;
import java.time.Instant;
import java.util.List;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonUnwrapped;

/** The summary contract of docs/internal-apis.md (invoice-service and subscription-service read it). */
public record UsageSummary(String orgId, String environment, Instant from, Instant to, String currency,
        Counters totals, List<ModelRow> byModel, List<EndUserRow> byEndUser) {

    /**
     * {@code cacheWriteTokens} (both durations), {@code audioInputTokens}, {@code audioOutputTokens} and
     * {@code reasoningTokens} are parts of the input and output tokens (added fields; the others are unchanged).
     */
    public record Counters(long inputTokens, long outputTokens, long cachedTokens, long totalTokens, long requests,
            long agentSessions, long toolCalls, BigDecimal cost, BigDecimal revenue, long unpricedEvents,
            long cacheWriteTokens, long audioInputTokens, long audioOutputTokens, long reasoningTokens) {}

    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record ModelRow(String model, String provider, @JsonUnwrapped Counters counters) {}

    public record EndUserRow(String endUserId, @JsonUnwrapped Counters counters) {}

    public record DailyRow(String day, @JsonUnwrapped Counters counters) {}
}
