package io.accrue.usage.ingest;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;

import org.apache.kafka.clients.consumer.CommitFailedException;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.RebalanceInProgressException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.jboss.logging.Logger;

import io.accrue.common.retry.Backoff;
import io.accrue.usage.config.UsageConfig;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.kafka.KafkaClientMetrics;
import io.quarkus.runtime.StartupEvent;

/**
 * Writes the usage log to PostgreSQL: every replica of the consumer group takes some partitions, writes the
 * records of one poll in one transaction with {@link IngestWriter} (idempotent by event id: a record read twice
 * writes nothing twice), and commits the offsets only after the database committed. Whatever happens in between — a
 * replica killed, a rebalance, a broker restart, PostgreSQL down — the records after the last committed offset are
 * read again and resolved as duplicates where they were already written.
 *
 * <p>
 * A failed write is retried from the same offsets with the common capped backoff (1 s doubling to 30 s): while
 * PostgreSQL is down the log holds the backlog, which drains when it returns. The lag (records not yet written, per
 * this replica's partitions) is the gauge {@code accrue_usage_log_lag_records}.
 */
@ApplicationScoped
public class UsageLogConsumer {

    private static final Logger LOG = Logger.getLogger(UsageLogConsumer.class);
    /** Write retries: PostgreSQL restarting takes seconds; no point waiting an hour like an outbound delivery. */
    static final Backoff WRITE_RETRY = new Backoff(Duration.ofSeconds(1), Duration.ofSeconds(30));

    private final UsageLog log;
    private final IngestWriter writer;
    private final UsageConfig.Kafka config;
    private final boolean enabled;
    private final MeterRegistry registry;
    private final AtomicLong lag = new AtomicLong();
    private final AtomicLong written = new AtomicLong();
    private final AtomicLong failedWrites = new AtomicLong();
    private final AtomicLong duplicates = new AtomicLong();
    private final AtomicLong refusedCommits = new AtomicLong();
    /** Between the database commit and the offset commit; tests put a crash or a stall here. */
    private final BeforeOffsetCommit beforeOffsetCommit;
    private final ConsumerThread<String, byte[]> loop;

    // the constructor CDI uses: with a second constructor beside it, ArC needs it named (without, the bean was never
    // created in the packaged application and nothing consumed the log: LocalStackKafkaTest)
    @Inject
    UsageLogConsumer(UsageLog log, IngestWriter writer, UsageConfig config, MeterRegistry registry) {
        this(log, writer, config.ingest().kafka(), registry, offsets -> {
        });
    }

    /** A consumer of its own (fault tests run several in one group, each with its own fault). */
    UsageLogConsumer(UsageLog log, IngestWriter writer, UsageConfig.Kafka config, MeterRegistry registry,
            BeforeOffsetCommit beforeOffsetCommit) {
        this.log = log;
        this.writer = writer;
        this.config = config;
        this.enabled = log.enabled() && config.consume();
        this.registry = registry;
        this.beforeOffsetCommit = beforeOffsetCommit;
        this.loop = new ConsumerThread<>(LOG, "usage-log-consumer", this::newConsumer, this::consume,
                WRITE_RETRY.ceiling(3));
    }

    /** What happens after a write committed in PostgreSQL and before its offsets are committed: nothing, normally. */
    @FunctionalInterface
    interface BeforeOffsetCommit {
        void run(Map<TopicPartition, OffsetAndMetadata> offsets) throws InterruptedException;
    }

    void start(@Observes StartupEvent started) {
        if (!enabled) {
            return;
        }
        Gauge.builder("accrue_usage_log_lag_records", lag, AtomicLong::get)
                .description("Usage-log records this replica's partitions hold that are not yet written to PostgreSQL")
                .register(registry);
        loop.start();
    }

    /** Records (requests) written by this replica since it started (tests wait on it). */
    long written() {
        return written.get();
    }

    /** Writes that failed and were retried from the same offsets. */
    long failedWrites() {
        return failedWrites.get();
    }

    /** Events read again that were already written (a record after the last committed offset, a replay). */
    long duplicates() {
        return duplicates.get();
    }

    /** Offset commits the group refused (this replica had lost its partitions); each rewound, none skipped. */
    long refusedCommits() {
        return refusedCommits.get();
    }

    /** The lag this replica saw at its last poll, in records. */
    long lag() {
        return lag.get();
    }

    private void consume(KafkaConsumer<String, byte[]> c) {
        log.ensureTopic();
        c.subscribe(List.of(config.topic()));
        int failures = 0;
        while (loop.running()) {
            ConsumerRecords<String, byte[]> records = c.poll(Duration.ofMillis(500));
            updateLag(c);
            if (records.isEmpty()) {
                continue;
            }
            List<PricedBatch> batches = new ArrayList<>(records.count());
            Map<TopicPartition, OffsetAndMetadata> next = new HashMap<>();
            Map<TopicPartition, Long> first = new HashMap<>();
            for (ConsumerRecord<String, byte[]> r : records) {
                TopicPartition tp = new TopicPartition(r.topic(), r.partition());
                first.putIfAbsent(tp, r.offset());
                next.put(tp, new OffsetAndMetadata(r.offset() + 1));
                try {
                    batches.add(log.decode(r.value()));
                } catch (IOException e) {
                    // only this service appends; a record it cannot read is a bug to see, not a reason to stop
                    LOG.errorf("usage-log record %s-%d@%d cannot be read and is skipped: %s", r.topic(),
                            r.partition(), r.offset(), e.getMessage());
                }
            }
            try {
                if (!batches.isEmpty()) {
                    for (List<EventResult> answers : writer.write(batches)) {
                        duplicates.addAndGet(answers.stream().filter(a -> EventResult.DUPLICATE.equals(a.status()))
                                .count());
                    }
                }
            } catch (RuntimeException e) {
                failures++;
                failedWrites.incrementAndGet();
                Duration wait = WRITE_RETRY.after(failures);
                LOG.warnf("usage-log write failed (%d in a row), again from the same offsets in %s: %s", failures,
                        wait, e.toString());
                first.forEach(c::seek);
                loop.pause(wait);
                continue;
            }
            failures = 0;
            // after the database commit: a crash before the offset commit reads the records again as duplicates
            try {
                beforeOffsetCommit.run(next);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                loop.halt();
                return;
            }
            try {
                c.commitSync(next);
            } catch (CommitFailedException | RebalanceInProgressException e) {
                // the group moved on without this replica (a stall past max.poll.interval, a rebalance mid-write):
                // the records are written but their offsets are not committed. Rewind, never skip: a partition this
                // replica keeps is read again from this batch (duplicates), one it lost is its new owner's from the
                // last committed offset. Carrying on from the position would skip them on a cooperative rebalance.
                refusedCommits.incrementAndGet();
                LOG.infof("usage-log offset commit refused (%s), reading the batch again",
                        e.getClass().getSimpleName());
                first.forEach((tp, offset) -> {
                    if (c.assignment().contains(tp)) {
                        c.seek(tp, offset);
                    }
                });
                continue;
            }
            written.addAndGet(records.count());
        }
    }

    private void updateLag(KafkaConsumer<String, byte[]> c) {
        long total = 0;
        for (TopicPartition tp : c.assignment()) {
            total += c.currentLag(tp).orElse(0);
        }
        lag.set(total);
    }

    private KafkaConsumer<String, byte[]> newConsumer() {
        Map<String, Object> props = Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, config.bootstrapServers().orElseThrow(),
                ConsumerConfig.GROUP_ID_CONFIG, config.groupId(),
                ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false,
                ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest",
                ConsumerConfig.MAX_POLL_RECORDS_CONFIG, config.maxRecordsPerWrite(),
                ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed",
                // a write retried through a long PostgreSQL outage must not count as a dead consumer
                ConsumerConfig.MAX_POLL_INTERVAL_MS_CONFIG, (int) config.maxPollInterval().toMillis());
        KafkaConsumer<String, byte[]> c = new KafkaConsumer<>(props, new StringDeserializer(),
                new ByteArrayDeserializer());
        new KafkaClientMetrics(c).bindTo(registry);
        return c;
    }

    @PreDestroy
    void stop() {
        loop.stop();
    }
}
