package io.accrue.usage.metering;

import jakarta.enterprise.context.ApplicationScoped;

import io.quarkus.scheduler.Scheduled;

/** Thin trigger; the outbox's unique identifier and SKIP LOCKED keep replicas from doubling work. */
@ApplicationScoped
public class MeteringJob {

    private final MeteringService metering;

    MeteringJob(MeteringService metering) {
        this.metering = metering;
    }

    @Scheduled(every = "${accrue.usage.stripe.meter-every:5m}", concurrentExecution = Scheduled.ConcurrentExecution.SKIP, skipExecutionIf = Scheduled.ApplicationNotRunning.class)
    void run() {
        metering.runRound();
    }
}
