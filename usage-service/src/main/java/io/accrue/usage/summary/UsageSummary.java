package io.accrue.usage.summary;

import java.math.BigDecimal;
import java.time.Instant;
import java.util.List;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonUnwrapped;

/** The summary contract of docs/internal-apis.md (invoice-service and subscription-service read it). */
public record UsageSummary(String orgId, String environment, Instant from, Instant to, String currency,
        Counters totals, List<ModelRow> byModel, List<EndUserRow> byEndUser, List<DimensionRow> byDimension) {

    /**
     * {@code cacheWriteTokens} (both durations), {@code audioInputTokens}, {@code audioOutputTokens} and
     * {@code reasoningTokens} are parts of the input and output tokens (added fields; the others are unchanged).
     */
    public record Counters(long inputTokens, long outputTokens, long cachedTokens, long totalTokens, long requests,
            long agentSessions, long toolCalls, BigDecimal cost, BigDecimal revenue, long unpricedEvents,
            long cacheWriteTokens, long audioInputTokens, long audioOutputTokens, long reasoningTokens) {}

    /**
     * A model's usage; {@code dimensions} is what each priced dimension of it cost (their costs sum exactly to the
     * model's {@code cost}; unpriced events have none until they are re-rated).
     */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record ModelRow(String model, String provider, @JsonUnwrapped Counters counters,
            List<DimensionRow> dimensions) {

        public ModelRow(String model, String provider, Counters counters) {
            this(model, provider, counters, List.of());
        }
    }

    /**
     * One priced dimension: {@code dimension} is the price key as it applied ({@code input}, {@code cache_write_1h},
     * {@code input>200000}, {@code batch:output}, {@code unit.web_search_medium}, {@code request}; {@code tokens}
     * for usage recorded before costs were kept per dimension), {@code kind} {@code tokens}, {@code units} or
     * {@code requests}, {@code quantity} how many, {@code cost} their provider cost (12 places, unrounded).
     */
    public record DimensionRow(String dimension, String kind, long quantity, BigDecimal cost) {}

    public record EndUserRow(String endUserId, @JsonUnwrapped Counters counters) {}

    public record DailyRow(String day, @JsonUnwrapped Counters counters) {}
}
