package io.accrue.subscription.lifecycle;

import java.time.Clock;

import jakarta.enterprise.context.ApplicationScoped;

import io.quarkus.scheduler.Scheduled;

/**
 * Rolls ended periods forward. Each subscription rolls under its own row lock and rolling is idempotent, so
 * two replicas running this at once do the work once.
 */
@ApplicationScoped
public class PeriodRolloverJob {

    private final SubscriptionRepository subscriptions;
    private final SubscriptionService service;
    private final Clock clock;

    PeriodRolloverJob(SubscriptionRepository subscriptions, SubscriptionService service, Clock clock) {
        this.subscriptions = subscriptions;
        this.service = service;
        this.clock = clock;
    }

    @jakarta.enterprise.context.control.ActivateRequestContext
    @Scheduled(every = "${accrue.subscription.rollover-every:60s}", concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    public void run() {
        for (String org : subscriptions.orgsWithPeriodEndedBy(clock.instant(), 500)) {
            service.rollOver(org);
        }
    }
}
