package io.accrue.invoice.client;

import java.math.BigDecimal;
import java.time.Instant;
import java.util.List;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;

/** The usage summary of usage-service (docs/internal-apis.md); money unrounded. */
public final class UsageRecords {

    private UsageRecords() {
    }

    @JsonIgnoreProperties(ignoreUnknown = true)
    public record Summary(String orgId, String environment, Instant from, Instant to, String currency, Counters totals,
            List<ModelCounters> byModel, List<EndUserCounters> byEndUser, List<Dimension> byDimension) {}

    /** The parts of the tokens (cache writes, audio, reasoning) are carried so the billing export shows them. */
    @JsonIgnoreProperties(ignoreUnknown = true)
    public record Counters(long inputTokens, long outputTokens, long cachedTokens, long totalTokens, long requests,
            long agentSessions, long toolCalls, BigDecimal cost, BigDecimal revenue, long unpricedEvents,
            long cacheWriteTokens, long audioInputTokens, long audioOutputTokens, long reasoningTokens) {}

    /** {@code dimensions}: what each priced dimension cost (usage-service since issue 22; absent before). */
    @JsonIgnoreProperties(ignoreUnknown = true)
    public record ModelCounters(String model, String provider, long totalTokens, long requests, long agentSessions,
            BigDecimal cost, BigDecimal revenue, long unpricedEvents, List<Dimension> dimensions) {}

    @JsonIgnoreProperties(ignoreUnknown = true)
    public record Dimension(String dimension, String kind, long quantity, BigDecimal cost) {}

    @JsonIgnoreProperties(ignoreUnknown = true)
    public record EndUserCounters(String endUserId, long totalTokens, long requests, long agentSessions,
            BigDecimal cost, BigDecimal revenue) {}
}
