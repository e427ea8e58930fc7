package io.accrue.contract.contracts;

import jakarta.enterprise.context.ApplicationScoped;

import io.quarkus.scheduler.Scheduled;

/** Thin trigger: expiries and renewal reminders, each idempotent and safe on every replica. */
@ApplicationScoped
public class ContractExpiryJob {

    private final ContractLifecycleService lifecycle;
    private final RenewalReminders reminders;

    ContractExpiryJob(ContractLifecycleService lifecycle, RenewalReminders reminders) {
        this.lifecycle = lifecycle;
        this.reminders = reminders;
    }

    @Scheduled(every = "${accrue.contracts.expiry-every:10m}", concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    void expire() {
        lifecycle.expireDue();
        reminders.remindDue();
    }
}
