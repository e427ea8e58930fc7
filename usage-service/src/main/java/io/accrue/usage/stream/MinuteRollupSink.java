package io.accrue.usage.stream;

import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

import org.apache.kafka.clients.consumer.CommitFailedException;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.RebalanceInProgressException;
import org.jboss.logging.Logger;

import io.accrue.common.retry.Backoff;
import io.accrue.usage.ingest.ConsumerThread;

/**
 * The PostgreSQL sink of the rollup topic: reads the minutes' latest totals (only committed transactions of the
 * Streams app, {@code read_committed}), keeps the latest per key of a poll, writes them in one statement with
 * {@link MinuteRollupWriter}, and commits the offsets after the database did. A crash in between reads the records
 * again and writes the same figures (the writer replaces a row only by one of more events), so each minute's figures
 * land once whatever is replayed. A failed write is retried from the same offsets with the common capped backoff.
 */
final class MinuteRollupSink {

    private static final Logger LOG = Logger.getLogger(MinuteRollupSink.class);
    private static final Backoff WRITE_RETRY = new Backoff(Duration.ofSeconds(1), Duration.ofSeconds(30));

    private final Map<String, Object> consumerConfig;
    private final String topic;
    private final MinuteRollupWriter writer;
    private final AtomicLong records = new AtomicLong();
    private final AtomicLong rows = new AtomicLong();
    private final ConsumerThread<MinuteKey, MinuteTotals> loop;

    MinuteRollupSink(String bootstrapServers, String groupId, String topic, MinuteRollupWriter writer) {
        this.consumerConfig = Map.of(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers,
                ConsumerConfig.GROUP_ID_CONFIG, groupId, ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false,
                ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest",
                ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed",
                ConsumerConfig.MAX_POLL_RECORDS_CONFIG, 5_000,
                // a write retried through a PostgreSQL outage must not count as a dead consumer
                ConsumerConfig.MAX_POLL_INTERVAL_MS_CONFIG, (int) Duration.ofMinutes(15).toMillis());
        this.topic = topic;
        this.writer = writer;
        this.loop = new ConsumerThread<>(LOG, "usage-minute-rollup-sink",
                () -> new KafkaConsumer<>(consumerConfig, StreamJson.serde(MinuteKey.class).deserializer(),
                        StreamJson.serde(MinuteTotals.class).deserializer()),
                this::consume, WRITE_RETRY.ceiling(3));
    }

    void start() {
        loop.start();
    }

    /** Rollup records read and written (with their offsets committed) since the start. */
    long records() {
        return records.get();
    }

    /** Rows inserted or moved forward since the start (a replayed or older value moves none). */
    long rows() {
        return rows.get();
    }

    private void consume(KafkaConsumer<MinuteKey, MinuteTotals> c) {
        c.subscribe(List.of(topic));
        int failures = 0;
        while (loop.running()) {
            ConsumerRecords<MinuteKey, MinuteTotals> polled = c.poll(Duration.ofMillis(500));
            if (polled.isEmpty()) {
                continue;
            }
            Map<MinuteKey, MinuteTotals> latest = new HashMap<>();
            Map<TopicPartition, OffsetAndMetadata> next = new HashMap<>();
            Map<TopicPartition, Long> first = new HashMap<>();
            for (ConsumerRecord<MinuteKey, MinuteTotals> r : polled) {
                TopicPartition tp = new TopicPartition(r.topic(), r.partition());
                first.putIfAbsent(tp, r.offset());
                next.put(tp, new OffsetAndMetadata(r.offset() + 1));
                if (r.key() != null && r.value() != null) {
                    latest.merge(r.key(), r.value(), (a, b) -> b.events() >= a.events() ? b : a);
                }
            }
            int written;
            try {
                written = writer.write(latest);
            } catch (RuntimeException e) {
                failures++;
                Duration wait = WRITE_RETRY.after(failures);
                LOG.warnf("minute-rollup write failed (%d in a row), again from the same offsets in %s: %s",
                        failures, wait, e.toString());
                first.forEach(c::seek);
                loop.pause(wait);
                continue;
            }
            failures = 0;
            // the consumer's position, not the last record + 1: the topic is transactional, and the position is past
            // the commit markers too, so a caught-up sink has no lag left
            next.replaceAll((tp, last) -> new OffsetAndMetadata(Math.max(last.offset(), c.position(tp))));
            try {
                c.commitSync(next);
            } catch (CommitFailedException | RebalanceInProgressException e) {
                // written but not committed: read again where this sink still owns the partition (same figures)
                first.forEach((tp, offset) -> {
                    if (c.assignment().contains(tp)) {
                        c.seek(tp, offset);
                    }
                });
                continue;
            }
            rows.addAndGet(written);
            records.addAndGet(polled.count());
        }
    }

    void stop() {
        loop.stop();
    }
}
