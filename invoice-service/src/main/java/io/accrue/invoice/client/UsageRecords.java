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
            List<ModelCounters> byModel, List<EndUserCounters> byEndUser) {}

    @JsonIgnoreProperties(ignoreUnknown = true)
    public record Counters(long inputTokens, long outputTokens, long cachedTokens, long totalTokens, long requests,
            long agentSessions, long toolCalls, BigDecimal cost, BigDecimal revenue, long unpricedEvents) {}

    @JsonIgnoreProperties(ignoreUnknown = true)
    public record ModelCounters(String model, String provider, long totalTokens, long requests, long agentSessions,
            BigDecimal cost, BigDecimal revenue, long unpricedEvents) {}

    @JsonIgnoreProperties(ignoreUnknown = true)
    public record EndUserCounters(String endUserId, long totalTokens, long requests, long agentSessions,
            BigDecimal cost, BigDecimal revenue) {}
}
