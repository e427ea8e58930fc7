package io.accrue.contract.events;

import jakarta.enterprise.context.ApplicationScoped;

import io.quarkus.scheduler.Scheduled;

/**
 * The trigger that sends recorded billing events to subscription-service ({@link BillingEventOutbox}, common's
 * {@code OrderedEventOutbox}: one at a time under a lease, in order per organisation — a contract's {@code created}
 * before its {@code updated} before its {@code ended}).
 */
@ApplicationScoped
public class BillingEventDelivery {

    private final BillingEventOutbox outbox;

    BillingEventDelivery(BillingEventOutbox outbox) {
        this.outbox = outbox;
    }

    @Scheduled(every = "${accrue.contracts.events-every:5s}", delayed = "10s", concurrentExecution = Scheduled.ConcurrentExecution.SKIP, skipExecutionIf = Scheduled.ApplicationNotRunning.class)
    void scheduled() {
        sendDue(500);
    }

    /** Sends up to {@code max} due events; returns how many were attempted. */
    public int sendDue(int max) {
        return outbox.sendDue(max);
    }
}
