package io.accrue.usage.billingevent;

import jakarta.enterprise.context.ApplicationScoped;

import io.quarkus.scheduler.Scheduled;

/** Thin trigger; the outbox's lease keeps replicas from publishing the same event at once. */
@ApplicationScoped
public class BillingEventPublishJob {

    private final BillingEventOutbox outbox;

    BillingEventPublishJob(BillingEventOutbox outbox) {
        this.outbox = outbox;
    }

    @Scheduled(every = "${accrue.usage.billing-events.publish-every:5s}", concurrentExecution = Scheduled.ConcurrentExecution.SKIP, skipExecutionIf = Scheduled.ApplicationNotRunning.class)
    void publish() {
        for (int i = 0; i < 500 && outbox.publishNext(); i++) {
            // keep going while events are due
        }
    }
}
