package io.accrue.usage.ingest;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.ListOffsetsResult;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.utils.Utils;
import org.jboss.logging.Logger;

import io.accrue.common.time.WallTime;
import io.accrue.usage.config.UsageConfig;

/**
 * What a quota decision in ingestion mode kafka cannot see: the records (requests) of an organisation's partition
 * that the log holds and the writers have not committed yet — their usage is not in the counters the decision reads.
 * A decision admits at most that much usage beyond a cap (usage README, "Quota with a log in between").
 *
 * <p>
 * Read from the broker (the writer group's committed offsets first, then the partitions' ends, so the difference
 * never undercounts what was unwritten between the two reads) at most once per {@code lag-max-age}, in the
 * background: a quota check never waits for the broker, it answers with the last snapshot and says how old it is.
 */
@ApplicationScoped
public class UsageLogLag {

    private static final Logger LOG = Logger.getLogger(UsageLogLag.class);

    /** The lag a decision saw: records of the organisation's partition not yet written, as of {@code asOf}. */
    public record Seen(long records, Instant asOf) {}

    private record Snapshot(Instant at, List<Long> lagByPartition) {}

    private final UsageConfig.Kafka config;
    private final boolean enabled;
    private final WallTime clock;
    private final ExecutorService refresher;
    private final AtomicBoolean refreshing = new AtomicBoolean();
    private volatile Snapshot snapshot;
    private volatile Instant lastAttempt = Instant.EPOCH;
    private Admin admin;

    UsageLogLag(UsageLog log, UsageConfig config, WallTime clock) {
        this.config = config.ingest().kafka();
        this.enabled = log.enabled();
        this.clock = clock;
        this.refresher = enabled ? Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, "usage-log-lag");
            t.setDaemon(true);
            return t;
        }) : null;
    }

    /** Empty in direct mode, and while the broker has not answered once. */
    public Optional<Seen> forOrganisation(String org) {
        if (!enabled) {
            return Optional.empty();
        }
        Snapshot s = snapshot;
        Instant now = clock.now();
        if ((s == null || s.at().plus(config.lagMaxAge()).isBefore(now))
                && lastAttempt.plus(config.lagMaxAge()).isBefore(now) && refreshing.compareAndSet(false, true)) {
            lastAttempt = now;
            refresher.execute(this::refresh);
        }
        if (s == null) {
            return Optional.empty();
        }
        int partition = Utils.toPositive(Utils.murmur2(org.getBytes(StandardCharsets.UTF_8)))
                % s.lagByPartition().size();
        return Optional.of(new Seen(s.lagByPartition().get(partition), s.at()));
    }

    private void refresh() {
        try {
            Admin a = admin();
            Instant at = clock.now();
            Map<TopicPartition, OffsetAndMetadata> committed = a.listConsumerGroupOffsets(config.groupId())
                    .partitionsToOffsetAndMetadata().get(5, TimeUnit.SECONDS);
            int partitions = a.describeTopics(List.of(config.topic())).allTopicNames().get(5, TimeUnit.SECONDS)
                    .get(config.topic()).partitions().size();
            Map<TopicPartition, OffsetSpec> latest = new HashMap<>();
            Map<TopicPartition, OffsetSpec> earliest = new HashMap<>();
            for (int p = 0; p < partitions; p++) {
                latest.put(new TopicPartition(config.topic(), p), OffsetSpec.latest());
                earliest.put(new TopicPartition(config.topic(), p), OffsetSpec.earliest());
            }
            Map<TopicPartition, ListOffsetsResult.ListOffsetsResultInfo> ends = a.listOffsets(latest).all()
                    .get(5, TimeUnit.SECONDS);
            Map<TopicPartition, ListOffsetsResult.ListOffsetsResultInfo> starts = a.listOffsets(earliest).all()
                    .get(5, TimeUnit.SECONDS);
            Long[] lag = new Long[partitions];
            for (int p = 0; p < partitions; p++) {
                TopicPartition tp = new TopicPartition(config.topic(), p);
                OffsetAndMetadata c = committed.get(tp);
                // no commit yet: the group starts at the log's start (auto.offset.reset=earliest)
                long from = c != null ? c.offset() : starts.get(tp).offset();
                lag[p] = Math.max(0, ends.get(tp).offset() - from);
            }
            snapshot = new Snapshot(at, List.of(lag));
        } catch (Exception e) {
            if (e instanceof InterruptedException) {
                Thread.currentThread().interrupt();
            }
            // the last snapshot stays, with its age: the answer says how old the lag it reports is
            LOG.debugf("usage-log lag not read: %s", e.toString());
        } finally {
            refreshing.set(false);
        }
    }

    private synchronized Admin admin() {
        if (admin == null) {
            admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG,
                    config.bootstrapServers().orElseThrow(), AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 5_000,
                    AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, 5_000));
        }
        return admin;
    }

    @PreDestroy
    synchronized void close() {
        if (refresher != null) {
            refresher.shutdownNow();
        }
        if (admin != null) {
            admin.close(Duration.ofSeconds(5));
        }
    }
}
