package io.accrue.usage.ingest;

import java.math.BigDecimal;
import java.util.List;
import java.util.UUID;

import com.fasterxml.jackson.annotation.JsonInclude;

/**
 * The answer for one event of a request: accepted, duplicate or rejected (with a stable code and why). An accepted
 * event names the price version that rated it and what each priced dimension cost ({@code dimensions}, summing to
 * {@code cost}; billing-rules "Rating usage" rule 11a).
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record EventResult(int index, String eventId, String status, String code, String reason, String model,
        UUID priceVersionId, BigDecimal cost, BigDecimal revenue, Boolean unpriced,
        List<io.accrue.usage.rating.Rating.Part> dimensions) {

    public static final String ACCEPTED = "accepted";
    public static final String DUPLICATE = "duplicate";
    public static final String REJECTED = "rejected";
    /** Ingestion mode kafka: in the usage log, to be written by its consumers (a replay is resolved there). */
    public static final String QUEUED = "queued";

    static EventResult rejected(int index, String eventId, String code, String reason) {
        return new EventResult(index, eventId, REJECTED, code, reason, null, null, null, null, null, null);
    }

    static EventResult duplicate(int index, String eventId) {
        return new EventResult(index, eventId, DUPLICATE, null, null, null, null, null, null, null, null);
    }

    /** Queued in the usage log: what rating found, no revenue yet (the plan's markup is applied when written). */
    static EventResult queued(RatedEvent e) {
        return new EventResult(e.index(), e.request().eventId(), QUEUED, null, null, e.modelKey(), e.priceVersionId(),
                e.cost(), null, e.unpriced(), e.unpriced() ? null : e.parts());
    }

    /** The whole batch's answer; {@code queued} only when events were queued (ingestion mode kafka). */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record BatchResult(int accepted, int duplicates, int rejected, Integer queued, List<EventResult> results) {
        static BatchResult of(List<EventResult> results) {
            int a = 0, d = 0, r = 0, q = 0;
            for (EventResult e : results) {
                switch (e.status()) {
                    case ACCEPTED -> a++;
                    case DUPLICATE -> d++;
                    case QUEUED -> q++;
                    default -> r++;
                }
            }
            return new BatchResult(a, d, r, q == 0 ? null : q, results);
        }
    }
}
