package io.accrue.contract.trueup;

import jakarta.enterprise.context.ApplicationScoped;

import io.quarkus.scheduler.Scheduled;

/** Thin trigger; the unique constraint per window makes overlapping runs on several replicas harmless. */
@ApplicationScoped
public class TrueUpJob {

    private final TrueUpService service;

    TrueUpJob(TrueUpService service) {
        this.service = service;
    }

    @Scheduled(every = "${accrue.contracts.expiry-every:10m}", concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    void settle() {
        service.settleAllDue("system");
    }
}
