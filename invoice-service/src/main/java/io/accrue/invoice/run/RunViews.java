package io.accrue.invoice.run;

import java.time.Instant;
import java.util.List;
import java.util.UUID;

/** Request and response records of the billing-run API. */
public final class RunViews {

    private RunViews() {
    }

    /** @param asOf close every period that ended at or before this instant; default: the start of today (UTC) */
    public record StartRun(Instant asOf) {}

    public record Progress(long total, long pending, long done, long failed, long abandoned) {}

    public record Failure(String orgId, int attempts, String lastError, Instant nextAttemptAt) {}

    /**
     * A period of the billed-through ledger as operators see it.
     *
     * @param ageSeconds how long ago the period ended
     * @param cause stable code of the last failure (docs/billing-rules.md, "Unbilled periods")
     * @param needsOperator retrying cannot help (a neighbour refused the close): retry or write off by hand
     */
    public record UnbilledPeriod(UUID id, String orgId, Instant periodStart, Instant periodEnd, String status,
            long ageSeconds, int attempts, String cause, String lastError, Instant firstSeenAt, Instant lastAttemptAt,
            Instant nextAttemptAt, boolean needsOperator, Instant writtenOffAt, String writtenOffBy,
            String writeOffReason) {}

    /** @param reason why the period is not invoiced, for the audit trail (required) */
    public record WriteOff(
            @jakarta.validation.constraints.NotBlank @jakarta.validation.constraints.Size(max = 500) String reason) {}

    public record RunView(UUID id, Instant asOf, String status, String requestedBy, Instant createdAt,
            Instant plannedAt, Instant finishedAt, String lastError, Progress progress, List<Failure> failures) {}
}
