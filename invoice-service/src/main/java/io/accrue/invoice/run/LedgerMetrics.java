package io.accrue.invoice.run;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.atomic.AtomicLong;

import jakarta.enterprise.context.ApplicationScoped;

import io.accrue.invoice.invoices.BillingPeriodRepository;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.runtime.Startup;
import io.quarkus.scheduler.Scheduled;

/**
 * Prometheus gauges of the ledger: {@code accrue_unbilled_periods} (how many ended periods are not invoiced) and
 * {@code accrue_unbilled_period_oldest_age_seconds} (how long ago the oldest of them ended; 0 when none). Read from
 * the database every 30 s rather than on scrape, so a scrape never waits on a query.
 */
@ApplicationScoped
@Startup
public class LedgerMetrics {

    private final BillingPeriodRepository periods;
    private final Clock clock;
    private final AtomicLong count = new AtomicLong();
    private final AtomicLong oldestAgeSeconds = new AtomicLong();

    LedgerMetrics(BillingPeriodRepository periods, MeterRegistry registry, Clock clock) {
        this.periods = periods;
        this.clock = clock;
        Gauge.builder("accrue.unbilled.periods", count, AtomicLong::get)
                .description("Ended billing periods not invoiced yet (nor written off)").register(registry);
        Gauge.builder("accrue.unbilled.period.oldest.age.seconds", oldestAgeSeconds, AtomicLong::get)
                .description("Seconds since the oldest unbilled period ended; 0 when there is none").register(registry);
    }

    @Scheduled(every = "30s", delayed = "10s", concurrentExecution = Scheduled.ConcurrentExecution.SKIP, skipExecutionIf = Scheduled.ApplicationNotRunning.class)
    public void refresh() {
        Object[] summary = QuarkusTransaction.requiringNew().call(periods::unbilledSummary);
        long n = ((Number) summary[0]).longValue();
        Instant oldestEnd = (Instant) summary[1];
        count.set(n);
        oldestAgeSeconds
                .set(oldestEnd == null ? 0 : Math.max(0, Duration.between(oldestEnd, clock.instant()).toSeconds()));
    }
}
