package io.accrue.invoice.run;

import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;

import org.eclipse.microprofile.context.ManagedExecutor;
import org.jboss.logging.Logger;

import io.accrue.invoice.InvoiceConfig;
import io.quarkus.scheduler.Scheduled;

/**
 * Thin triggers: start working on a run right after it is created, and resume unfinished runs (after a crash,
 * or for retries that became due) every minute. The database keeps the work from being done twice.
 */
@ApplicationScoped
public class BillingRunTrigger {

    private static final Logger LOG = Logger.getLogger(BillingRunTrigger.class);

    private final BillingRunWorker worker;
    private final BillingRunRepository runs;
    private final UnbilledPeriodService unbilled;
    private final ManagedExecutor executor;
    private final InvoiceConfig config;

    BillingRunTrigger(BillingRunWorker worker, BillingRunRepository runs, UnbilledPeriodService unbilled,
            ManagedExecutor executor, InvoiceConfig config) {
        this.worker = worker;
        this.unbilled = unbilled;
        this.runs = runs;
        this.executor = executor;
        this.config = config;
    }

    void kick(UUID runId) {
        if (config.runs().autoStart()) {
            executor.runAsync(() -> worker.drive(runId, Integer.MAX_VALUE))
                    .exceptionally(e -> {
                        LOG.errorf(e, "billing run %s stopped; the resume job continues it", runId);
                        return null;
                    });
        }
    }

    @Scheduled(every = "${accrue.invoice.runs.resume-every:60s}", delayed = "30s", concurrentExecution = Scheduled.ConcurrentExecution.SKIP, skipExecutionIf = Scheduled.ApplicationNotRunning.class)
    void resume() {
        if (!config.backgroundJobs()) {
            return;
        }
        for (UUID id : io.quarkus.narayana.jta.QuarkusTransaction.requiringNew()
                .call(() -> runs.unfinished().stream().map(r -> r.id).toList())) {
            worker.drive(id, Integer.MAX_VALUE);
        }
    }

    /** The ledger's retry: unbilled periods whose backoff has passed are closed again, until invoiced or written off. */
    @Scheduled(every = "${accrue.invoice.ledger.retry-every:60s}", delayed = "45s", concurrentExecution = Scheduled.ConcurrentExecution.SKIP, skipExecutionIf = Scheduled.ApplicationNotRunning.class)
    void retryUnbilled() {
        if (config.backgroundJobs()) {
            unbilled.retryDue(200);
        }
    }
}
