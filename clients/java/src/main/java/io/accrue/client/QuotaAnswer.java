package io.accrue.client;

import java.math.BigDecimal;
import java.time.Instant;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;

/**
 * An allowed quota check ({@code GET /v1/quota/check} 200). {@code flagged} with a {@code reason}: allowed, but a
 * limit of an alert-only plan was passed (or the model is unknown in flag mode).
 */
@JsonIgnoreProperties(ignoreUnknown = true)
public record QuotaAnswer(boolean allowed, boolean flagged, String reason, String endUserId, String plan,
        String enforcement, Remaining remaining, Instant resetsAt) {

    /** What is left in each limited window (null: not limited), counting open reservations as used. */
    @JsonIgnoreProperties(ignoreUnknown = true)
    public record Remaining(Long dailyTokens, Long monthlyTokens, Long dailyRequests, BigDecimal monthlyCost,
            Long requestsPerMinute) {}
}
