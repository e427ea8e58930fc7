package io.accrue.usage.storage;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

import io.quarkus.runtime.StartupEvent;
import io.quarkus.scheduler.Scheduled;

/**
 * Thin trigger: the months ahead of usage_events are created at start and every run, and months past the retention
 * are retired ({@link EventPartitions}); replicas serialise on an advisory lock.
 */
@ApplicationScoped
public class EventPartitionJob {

    private final EventPartitions partitions;

    EventPartitionJob(EventPartitions partitions) {
        this.partitions = partitions;
    }

    void onStart(@Observes StartupEvent start) {
        partitions.ensureAhead();
    }

    @Scheduled(every = "${accrue.usage.events.partition-every:1h}", delayed = "1m", concurrentExecution = Scheduled.ConcurrentExecution.SKIP, skipExecutionIf = Scheduled.ApplicationNotRunning.class)
    void run() {
        partitions.ensureAhead();
        partitions.retire();
    }
}
