package io.accrue.invoice.events;

import jakarta.enterprise.context.ApplicationScoped;

import io.accrue.invoice.InvoiceConfig;
import io.quarkus.scheduler.Scheduled;

/**
 * The trigger that sends recorded billing events to subscription-service ({@link BillingEventOutbox}, common's
 * {@code OrderedEventOutbox}: one at a time under a lease, in order per organisation — an invoice's {@code created}
 * before its {@code finalized} before its {@code paid}).
 */
@ApplicationScoped
public class BillingEventDelivery {

    private final BillingEventOutbox outbox;
    private final InvoiceConfig config;

    BillingEventDelivery(BillingEventOutbox outbox, InvoiceConfig config) {
        this.outbox = outbox;
        this.config = config;
    }

    @Scheduled(every = "${accrue.invoice.events-every:5s}", delayed = "10s", concurrentExecution = Scheduled.ConcurrentExecution.SKIP, skipExecutionIf = Scheduled.ApplicationNotRunning.class)
    void scheduled() {
        if (config.backgroundJobs()) {
            sendDue(500);
        }
    }

    /** Sends up to {@code max} due events; returns how many were attempted. */
    public int sendDue(int max) {
        return outbox.sendDue(max);
    }
}
