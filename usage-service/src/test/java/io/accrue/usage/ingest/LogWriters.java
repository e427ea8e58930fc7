package io.accrue.usage.ingest;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;

import io.accrue.usage.config.UsageConfig;
import io.micrometer.core.instrument.MeterRegistry;

/**
 * Usage-log writers started by a test (profile {@code OwnWritersProfile}: the service runs none of its own), all in
 * one consumer group that starts at the log's current end, so a test's writers read only that test's records.
 */
final class LogWriters implements AutoCloseable {

    private final UsageLog log;
    private final IngestWriter writer;
    private final UsageConfig.Kafka base;
    private final MeterRegistry registry;
    private final String group;
    private final List<UsageLogConsumer> started = new ArrayList<>();

    LogWriters(UsageLog log, IngestWriter writer, UsageConfig config, MeterRegistry registry) {
        this(log, writer, config, registry, "writers-" + UUID.randomUUID());
    }

    /** Writers of the named group (the service's own, whose lag quota answers report). */
    LogWriters(UsageLog log, IngestWriter writer, UsageConfig config, MeterRegistry registry, String group) {
        this.group = group;
        this.log = log;
        this.writer = writer;
        this.base = config.ingest().kafka();
        this.registry = registry;
        log.ensureTopic();
        commitAtEnd();
    }

    /** A writer of the group, running. */
    UsageLogConsumer start() {
        return start(Duration.ofMinutes(15), offsets -> {
        });
    }

    /** A writer of the group with a fault between its database commit and its offset commit, running. */
    UsageLogConsumer start(Duration maxPollInterval, UsageLogConsumer.BeforeOffsetCommit fault) {
        UsageLogConsumer c = new UsageLogConsumer(log, writer, config(maxPollInterval), registry, fault);
        c.start(null);
        started.add(c);
        return c;
    }

    @Override
    public void close() {
        for (UsageLogConsumer c : started) {
            try {
                c.stop();
            } catch (RuntimeException alreadyDead) {
                // a writer the test killed has no consumer left to wake
            }
        }
    }

    /** The group's offsets at the end of every partition: what earlier tests appended is not this group's. */
    private void commitAtEnd() {
        try (var c = new KafkaConsumer<>(Map.<String, Object>of("bootstrap.servers",
                base.bootstrapServers().orElseThrow(), "group.id", group, "enable.auto.commit", false),
                new StringDeserializer(), new ByteArrayDeserializer())) {
            List<TopicPartition> all = new ArrayList<>();
            for (PartitionInfo p : c.partitionsFor(base.topic())) {
                all.add(new TopicPartition(p.topic(), p.partition()));
            }
            c.assign(all);
            c.seekToEnd(all);
            Map<TopicPartition, org.apache.kafka.clients.consumer.OffsetAndMetadata> ends = new java.util.HashMap<>();
            for (TopicPartition tp : all) {
                ends.put(tp, new org.apache.kafka.clients.consumer.OffsetAndMetadata(c.position(tp)));
            }
            c.commitSync(ends);
        }
    }

    private UsageConfig.Kafka config(Duration maxPollInterval) {
        UsageConfig.Kafka b = base;
        String g = group;
        return new UsageConfig.Kafka() {
            public Optional<String> bootstrapServers() {
                return b.bootstrapServers();
            }

            public String topic() {
                return b.topic();
            }

            public int partitions() {
                return b.partitions();
            }

            public short replicationFactor() {
                return b.replicationFactor();
            }

            public String groupId() {
                return g;
            }

            public boolean consume() {
                return true;
            }

            public int maxRecordsPerWrite() {
                return b.maxRecordsPerWrite();
            }

            public Duration maxPollInterval() {
                return maxPollInterval;
            }

            public Duration lagMaxAge() {
                return b.lagMaxAge();
            }

            public Duration ackTimeout() {
                return b.ackTimeout();
            }
        };
    }
}
