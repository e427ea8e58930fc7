package io.accrue.contract.contracts;

import jakarta.enterprise.context.ApplicationScoped;

import io.quarkus.scheduler.Scheduled;

/** Thin trigger: the service method is idempotent and skips rows another replica holds. */
@ApplicationScoped
public class ContractExpiryJob {

    private final ContractLifecycleService lifecycle;

    ContractExpiryJob(ContractLifecycleService lifecycle) {
        this.lifecycle = lifecycle;
    }

    @Scheduled(every = "${accrue.contracts.expiry-every:10m}", concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    void expire() {
        lifecycle.expireDue();
    }
}
