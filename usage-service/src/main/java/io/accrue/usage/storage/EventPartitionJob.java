package io.accrue.usage.storage;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

import org.jboss.logging.Logger;

import io.quarkus.runtime.StartupEvent;
import io.quarkus.scheduler.Scheduled;

/**
 * Thin trigger: the months ahead of usage_events are created at start and every run, and months past the retention
 * are retired ({@link EventPartitions}); replicas serialise on an advisory lock.
 */
@ApplicationScoped
public class EventPartitionJob {

    private static final Logger LOG = Logger.getLogger(EventPartitionJob.class);

    private final EventPartitions partitions;

    EventPartitionJob(EventPartitions partitions) {
        this.partitions = partitions;
    }

    void onStart(@Observes StartupEvent start) {
        // never a reason not to start: without its month's partition an event lands in the default partition, and
        // the next run creates the month (and moves it there)
        try {
            partitions.ensureAhead();
        } catch (RuntimeException e) {
            LOG.warn("usage_events partitions not checked at start; the job retries", e);
        }
    }

    @Scheduled(every = "${accrue.usage.events.partition-every:1h}", delayed = "1m", concurrentExecution = Scheduled.ConcurrentExecution.SKIP, skipExecutionIf = Scheduled.ApplicationNotRunning.class)
    void run() {
        partitions.ensureAhead();
        partitions.retire();
    }
}
