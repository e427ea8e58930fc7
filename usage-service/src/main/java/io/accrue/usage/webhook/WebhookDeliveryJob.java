package io.accrue.usage.webhook;

import jakarta.enterprise.context.ApplicationScoped;

import io.quarkus.scheduler.Scheduled;

/** Thin trigger; SKIP LOCKED on each row keeps replicas from sending the same delivery at once. */
@ApplicationScoped
public class WebhookDeliveryJob {

    private final WebhookOutbox outbox;

    WebhookDeliveryJob(WebhookOutbox outbox) {
        this.outbox = outbox;
    }

    @Scheduled(every = "${accrue.usage.webhooks.deliver-every:10s}", concurrentExecution = Scheduled.ConcurrentExecution.SKIP, skipExecutionIf = Scheduled.ApplicationNotRunning.class)
    void deliver() {
        for (int i = 0; i < 500 && outbox.sendNext(); i++) {
            // keep going while deliveries are due
        }
    }
}
