package io.accrue.subscription.dunning;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.context.control.ActivateRequestContext;

import io.quarkus.scheduler.Scheduled;

/** Dunning timers. Each subscription advances under its own row lock, and advancing is idempotent. */
@ApplicationScoped
public class DunningJob {

    private final DunningService dunning;

    DunningJob(DunningService dunning) {
        this.dunning = dunning;
    }

    @ActivateRequestContext
    @Scheduled(every = "${accrue.dunning-job.check-every}", concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    public void run() {
        dunning.orgsInDunning().forEach(dunning::advance);
    }
}
