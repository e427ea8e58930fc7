package io.accrue.contract.events;

import java.time.Clock;
import java.time.Instant;
import java.util.Optional;

import jakarta.enterprise.context.ApplicationScoped;

import org.jboss.logging.Logger;

import io.accrue.common.outbox.LeasedClaims.Claim;
import io.accrue.contract.client.SubscriptionClient;
import io.accrue.contract.client.SubscriptionClient.PublishEvent;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.scheduler.Scheduled;

/**
 * Sends recorded billing events to subscription-service ({@code POST /v1/billing-events}, idempotent on the id, so a
 * send repeated after a lost answer or a lease that ran out makes no second event). Claimed one at a time under a
 * lease (common's {@code LeasedClaims}), retried with the suite's backoff for three days; an event waits while an
 * earlier one of its organisation is unsent, so an organisation's events arrive in the order they were recorded
 * (a contract's {@code created} before its {@code updated} before its {@code ended}). The same sender as
 * invoice-service's.
 */
@ApplicationScoped
public class BillingEventDelivery {

    private static final Logger LOG = Logger.getLogger(BillingEventDelivery.class);

    private final BillingEventOutbox outbox;
    private final SubscriptionClient subscriptions;
    private final Clock clock;

    BillingEventDelivery(BillingEventOutbox outbox, SubscriptionClient subscriptions, Clock clock) {
        this.outbox = outbox;
        this.subscriptions = subscriptions;
        this.clock = clock;
    }

    @Scheduled(every = "${accrue.contracts.events-every:5s}", delayed = "10s", concurrentExecution = Scheduled.ConcurrentExecution.SKIP, skipExecutionIf = Scheduled.ApplicationNotRunning.class)
    void scheduled() {
        sendDue(500);
    }

    /** Sends up to {@code max} due events; returns how many were attempted. */
    public int sendDue(int max) {
        int attempted = 0;
        while (attempted < max && sendOne()) {
            attempted++;
        }
        return attempted;
    }

    private boolean sendOne() {
        Optional<Claim<String>> claimed = outbox.claimDue(clock.instant());
        if (claimed.isEmpty()) {
            return false;
        }
        Claim<String> claim = claimed.get();
        try {
            QuarkusTransaction.requiringNew().run(() -> outbox.lockPending(claim.id()).ifPresent(event -> {
                Optional<Instant> earlier = outbox.earlierPendingDue(event);
                if (earlier.isPresent()) {
                    // not a failed attempt: due again when the earlier one is, and claimed after it (seq order)
                    Instant now = clock.instant();
                    outbox.waitBehind(event.id(), earlier.get().isAfter(now) ? earlier.get() : now);
                    return;
                }
                subscriptions.publish(new PublishEvent(event.id(), event.orgId(), event.type(),
                        event.occurredAt().toString(), outbox.data(event)));
                outbox.delivered(event.id(), clock.instant());
            }));
        } catch (RuntimeException e) {
            String message = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
            // a 4xx is subscription-service's final answer (an unknown type, an id taken by another fact)
            boolean giveUp = SubscriptionClient.Rejected.in(e) != null;
            QuarkusTransaction.requiringNew().run(() -> outbox.failed(claim.id(), claim.attempt(), message, giveUp,
                    clock.instant()));
            LOG.warnf("billing event %s not sent (attempt %d): %s", claim.id(), claim.attempt(), message);
        }
        return true;
    }
}
