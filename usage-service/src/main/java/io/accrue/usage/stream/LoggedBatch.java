package io.accrue.usage.stream;

import java.math.BigDecimal;
import java.time.Instant;
import java.util.List;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;

/**
 * A record of the usage log as the stream aggregation reads it: the edge's priced batch (ingest's
 * {@code PricedBatch}, serialised by {@code UsageLog}), of which this reader owns only the fields it aggregates —
 * everything else in the record is ignored, so the edge may add fields without breaking it. Cost is the edge's
 * (rated against the price version in effect at {@code occurredAt}); revenue is not on the log (the writer derives it
 * from the end user's plan when it writes), so the minute rollups carry cost only.
 */
@JsonIgnoreProperties(ignoreUnknown = true)
record LoggedBatch(String org, String env, Instant recordedAt, List<Event> events) {

    /** One priced event; {@code modelKey} is the canonical model id, or the requested spelling when unpriced. */
    @JsonIgnoreProperties(ignoreUnknown = true)
    record Event(Request request, Counts metered, String modelKey, String currency, BigDecimal cost,
            boolean unpriced) {}

    /** The client's event, as far as aggregation needs it. */
    @JsonIgnoreProperties(ignoreUnknown = true)
    record Request(String eventId, String endUserId, Instant occurredAt, Integer toolCalls) {

        int tools() {
            return toolCalls == null ? 0 : toolCalls;
        }
    }

    /**
     * The event's counts in Accrue's dimensions (rating's {@code Metered}): input and output totals and the parts of
     * them.
     */
    @JsonIgnoreProperties(ignoreUnknown = true)
    record Counts(long inputTokens, long outputTokens, long cacheReadTokens, long cacheWriteTokens,
            long cacheWrite1hTokens, long audioInputTokens, long audioOutputTokens, long imageInputTokens,
            long imageOutputTokens, long reasoningTokens) {}
}
