package io.accrue.usage.quota;

import java.math.BigDecimal;
import java.time.Instant;
import java.util.UUID;

import jakarta.validation.constraints.DecimalMin;
import jakarta.validation.constraints.Digits;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.Size;

import com.fasterxml.jackson.annotation.JsonInclude;

public final class QuotaRequests {

    private QuotaRequests() {
    }

    /** Limits of the end user's plan (null: no such limit). */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Limits(Long dailyTokens, Long monthlyTokens, Long dailyRequests, BigDecimal monthlyCost,
            Integer requestsPerMinute) {}

    /** What is left in each limited window, counting open reservations as used. */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Remaining(Long dailyTokens, Long monthlyTokens, Long dailyRequests, BigDecimal monthlyCost,
            Long requestsPerMinute) {}

    /**
     * {@code usageLog} (ingestion mode kafka only): the records of the organisation's partition of the usage log not
     * yet written when the decision was taken — usage the counters did not include yet.
     */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record QuotaAnswer(boolean allowed, boolean flagged, String reason, String endUserId, String plan,
            String enforcement, Limits limits, Remaining remaining, Instant resetsAt,
            io.accrue.usage.ingest.UsageLogLag.Seen usageLog) {

        public QuotaAnswer(boolean allowed, boolean flagged, String reason, String endUserId, String plan,
                String enforcement, Limits limits, Remaining remaining, Instant resetsAt) {
            this(allowed, flagged, reason, endUserId, plan, enforcement, limits, remaining, resetsAt, null);
        }

        QuotaAnswer withUsageLog(io.accrue.usage.ingest.UsageLogLag.Seen seen) {
            return new QuotaAnswer(allowed, flagged, reason, endUserId, plan, enforcement, limits, remaining,
                    resetsAt, seen);
        }
    }

    public record ReserveRequest(
            @NotBlank @Size(max = 128) String endUserId,
            @Size(max = 128) String model,
            @Min(0) @Max(100_000_000) long estimatedTokens,
            @DecimalMin("0") @Digits(integer = 18, fraction = 12) BigDecimal estimatedCost,
            @Min(1) @Max(3600) Integer ttlSeconds) {}

    public record ReservationView(UUID id, String endUserId, long tokens, BigDecimal cost, String status,
            Instant expiresAt) {}
}
