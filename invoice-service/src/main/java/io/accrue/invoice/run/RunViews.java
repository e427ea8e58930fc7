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

    public record RunView(UUID id, Instant asOf, String status, String requestedBy, Instant createdAt,
            Instant plannedAt, Instant finishedAt, String lastError, Progress progress, List<Failure> failures) {}
}
