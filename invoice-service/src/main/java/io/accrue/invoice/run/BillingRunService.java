package io.accrue.invoice.run;

import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Map;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.transaction.Transactional;

import io.accrue.common.error.ApiException;
import io.accrue.invoice.run.RunViews.Failure;
import io.accrue.invoice.run.RunViews.Progress;
import io.accrue.invoice.run.RunViews.RunView;

/** Starting and reading billing runs; the work itself is {@link BillingRunWorker}'s. */
@ApplicationScoped
public class BillingRunService {

    private final BillingRunRepository runs;
    private final BillingRunItemRepository items;
    private final Clock clock;

    BillingRunService(BillingRunRepository runs, BillingRunItemRepository items, Clock clock) {
        this.runs = runs;
        this.items = items;
        this.clock = clock;
    }

    /** The run of this as-of instant, created if it is the first trigger for it. */
    @Transactional
    public RunView start(Instant requestedAsOf, String requestedBy) {
        Instant now = clock.instant();
        // the daily CronJob posts {}: every trigger of one day (retries included) names the same run
        Instant asOf = requestedAsOf != null ? requestedAsOf : now.truncatedTo(ChronoUnit.DAYS);
        if (asOf.isAfter(now)) {
            throw ApiException.unprocessable("as_of_in_future", "asOf must not be later than now (" + now + ").");
        }
        return view(runs.findOrCreate(asOf, requestedBy, now));
    }

    @Transactional
    public RunView get(String id) {
        UUID runId;
        try {
            runId = UUID.fromString(id);
        } catch (IllegalArgumentException e) {
            throw notFound(id);
        }
        return view(runs.byId(runId).orElseThrow(() -> notFound(id)));
    }

    RunView view(BillingRun run) {
        Map<RunItemStatus, Long> counts = items.countByStatus(run.id);
        long pending = counts.getOrDefault(RunItemStatus.PENDING, 0L);
        long done = counts.getOrDefault(RunItemStatus.DONE, 0L);
        long failed = counts.getOrDefault(RunItemStatus.FAILED, 0L);
        long abandoned = counts.getOrDefault(RunItemStatus.ABANDONED, 0L);
        return new RunView(run.id, run.asOf, run.status.wire(), run.requestedBy, run.createdAt, run.plannedAt,
                run.finishedAt,
                run.lastError, new Progress(pending + done + failed + abandoned, pending, done, failed, abandoned),
                items.failures(run.id, 50).stream()
                        .map(i -> new Failure(i.orgId, i.attempts, i.lastError, i.nextAttemptAt)).toList());
    }

    private static ApiException notFound(String id) {
        return ApiException.notFound("billing_run_not_found", "No billing run '" + id + "'.");
    }
}
