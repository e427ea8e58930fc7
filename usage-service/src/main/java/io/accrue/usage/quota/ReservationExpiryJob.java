package io.accrue.usage.quota;

import jakarta.enterprise.context.ApplicationScoped;

import io.quarkus.scheduler.Scheduled;

/** Thin trigger: expired reservations give their hold back (SKIP LOCKED keeps replicas from doubling work). */
@ApplicationScoped
public class ReservationExpiryJob {

    private final QuotaService quota;

    ReservationExpiryJob(QuotaService quota) {
        this.quota = quota;
    }

    @Scheduled(every = "${accrue.usage.quota.expiry-every:10s}", concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    void expire() {
        while (quota.expireOverdue(500) == 500) {
            // keep going while there is a backlog
        }
    }
}
