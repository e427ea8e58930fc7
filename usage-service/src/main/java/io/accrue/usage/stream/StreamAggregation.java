package io.accrue.usage.stream;

import java.time.Duration;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.errors.LogAndContinueExceptionHandler;
import org.jboss.logging.Logger;

import io.accrue.common.retry.Backoff;
import io.accrue.usage.config.IngestMode;
import io.accrue.usage.config.UsageConfig;
import io.accrue.usage.ingest.UsageLog;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.kafka.KafkaStreamsMetrics;
import io.quarkus.runtime.StartupEvent;

/**
 * Runs the stream aggregation when {@code accrue.usage.stream-aggregation.enabled}: the Streams app of
 * {@link UsageAggregation} (exactly-once v2, its own application id) and the {@link MinuteRollupSink}, beside the
 * per-event consumer of ingestion mode kafka, which stays the source of billing. Every replica that enables it joins
 * the same application (partitions shared, state moved with them).
 */
@ApplicationScoped
public class StreamAggregation {

    private static final Logger LOG = Logger.getLogger(StreamAggregation.class);

    private final UsageConfig.StreamAggregation config;
    private final UsageConfig.Kafka log;
    private final UsageLog usageLog;
    private final MinuteRollupWriter writer;
    private final MeterRegistry registry;
    private final Duration retention;
    private static final Backoff START_RETRY = new Backoff(Duration.ofSeconds(1), Duration.ofSeconds(30));

    private KafkaStreams streams;
    private boolean running;
    private long generations;
    private Thread starter;
    private volatile String waitingFor;
    private KafkaStreamsMetrics metrics;
    private MinuteRollupSink sink;

    StreamAggregation(UsageConfig config, UsageLog usageLog, MinuteRollupWriter writer, MeterRegistry registry) {
        this.config = config.streamAggregation();
        this.log = config.ingest().kafka();
        this.usageLog = usageLog;
        this.writer = writer;
        this.registry = registry;
        // no event older than the late window reaches the log (the edge refuses it, or answers a replay that old
        // duplicate from PostgreSQL): ids and minutes need keeping no longer, plus the skew and the clocks' margin
        this.retention = config.ingest().lateWindow().plus(config.ingest().futureSkew())
                .plus(this.config.clockMargin());
        if (this.config.enabled() && config.ingest().mode() != IngestMode.KAFKA) {
            throw new IllegalStateException(
                    "accrue.usage.stream-aggregation.enabled needs accrue.usage.ingest.mode=kafka: it reads the usage log");
        }
    }

    void onStart(@Observes StartupEvent started) {
        if (config.enabled()) {
            start();
        }
    }

    /**
     * Starts the Streams app and the sink on a thread of their own (tests call it again after {@link #stop}): the
     * topics are checked or created first, retried with the common capped backoff while the broker does not answer,
     * so a replica started with the broker down starts and serves, and aggregates once the broker is back.
     */
    synchronized void start() {
        running = true;
        long generation = ++generations;
        waitingFor = "the broker (starting)";
        starter = new Thread(() -> startWhenTheBrokerAnswers(generation), "usage-stream-aggregation-start");
        starter.setDaemon(true);
        starter.start();
    }

    private void startWhenTheBrokerAnswers(long generation) {
        for (int failures = 1; current(generation); failures++) {
            try {
                usageLog.ensureTopic();
                ensureRollupTopic();
                break;
            } catch (RuntimeException e) {
                Duration wait = START_RETRY.after(failures);
                waitingFor = "the broker: " + e.getMessage();
                LOG.warnf("stream aggregation not started (%d attempts): the topics could not be read or created;"
                        + " again in %s: %s", failures, wait, e.toString());
                try {
                    Thread.sleep(wait.toMillis());
                } catch (InterruptedException stopping) {
                    return;
                }
            }
        }
        synchronized (this) {
            if (!current(generation)) {
                return;
            }
            streams = new KafkaStreams(UsageAggregation.topology(new UsageAggregation.Settings(log.topic(),
                    config.rollupTopic(), retention, config.emitEvery())), properties());
            streams.setUncaughtExceptionHandler(e -> {
                LOG.errorf(e,
                        "stream aggregation thread failed; replacing it (state and offsets are as last committed)");
                return org.apache.kafka.streams.errors.StreamsUncaughtExceptionHandler.StreamThreadExceptionResponse.REPLACE_THREAD;
            });
            metrics = new KafkaStreamsMetrics(streams);
            metrics.bindTo(registry);
            streams.start();
            sink = new MinuteRollupSink(log.bootstrapServers().orElseThrow(), config.sinkGroupId(),
                    config.rollupTopic(), writer);
            sink.start();
            waitingFor = null;
        }
    }

    /** Whether the start of this generation is still wanted (no stop, no later start since). */
    private synchronized boolean current(long generation) {
        return running && generation == generations;
    }

    /** Closes the sink and the Streams app: what a replica's shutdown does, cleanly. */
    @PreDestroy
    synchronized void stop() {
        running = false;
        waitingFor = null;
        if (starter != null) {
            // a start still waiting for the broker ends; one past its wait sees running false and starts nothing
            starter.interrupt();
            starter = null;
        }
        if (sink != null) {
            sink.stop();
            sink = null;
        }
        if (streams != null) {
            streams.close(Duration.ofSeconds(30));
            metrics.close();
            streams = null;
        }
    }

    /**
     * Running, rebalancing, failed…: the Streams app's state; {@code WAITING_FOR_BROKER} while its start waits for
     * the topics, {@code NOT_STARTED} when it is off or stopped.
     */
    synchronized String state() {
        if (streams != null) {
            return streams.state().name();
        }
        return running ? "WAITING_FOR_BROKER" : "NOT_STARTED";
    }

    /** What the start waits for (the last failure), while it waits. */
    java.util.Optional<String> waitingFor() {
        return java.util.Optional.ofNullable(waitingFor);
    }

    boolean enabled() {
        return config.enabled();
    }

    private Properties properties() {
        Properties p = new Properties();
        p.put(StreamsConfig.APPLICATION_ID_CONFIG, config.applicationId());
        p.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, log.bootstrapServers().orElseThrow());
        p.put(StreamsConfig.PROCESSING_GUARANTEE_CONFIG, StreamsConfig.EXACTLY_ONCE_V2);
        p.put(StreamsConfig.STATE_DIR_CONFIG, config.stateDir());
        p.put(StreamsConfig.NUM_STREAM_THREADS_CONFIG, config.threads());
        p.put(StreamsConfig.REPLICATION_FACTOR_CONFIG, (int) log.replicationFactor());
        // only this service appends to the log; a record it cannot read is logged and skipped, like the consumer does
        p.put(StreamsConfig.DESERIALIZATION_EXCEPTION_HANDLER_CLASS_CONFIG, LogAndContinueExceptionHandler.class);
        config.instanceId().ifPresent(id -> p.put(StreamsConfig.consumerPrefix("group.instance.id"), id));
        // the log's batches are up to 4 MB (UsageLog)
        p.put(StreamsConfig.consumerPrefix("max.partition.fetch.bytes"), 4 * 1024 * 1024);
        return p;
    }

    /**
     * The rollup topic: compacted (a minute's latest totals are all the sink needs) and deleted after the retention
     * too (a minute that old never changes again), as many partitions as the log.
     */
    private void ensureRollupTopic() {
        try (Admin admin = Admin.create(Map.of("bootstrap.servers", log.bootstrapServers().orElseThrow()))) {
            if (admin.listTopics().names().get(30, TimeUnit.SECONDS).contains(config.rollupTopic())) {
                return;
            }
            admin.createTopics(Set.of(new NewTopic(config.rollupTopic(), log.partitions(), log.replicationFactor())
                    .configs(Map.of(TopicConfig.CLEANUP_POLICY_CONFIG,
                            TopicConfig.CLEANUP_POLICY_COMPACT + "," + TopicConfig.CLEANUP_POLICY_DELETE,
                            TopicConfig.RETENTION_MS_CONFIG, String.valueOf(retention.toMillis())))))
                    .all().get(30, TimeUnit.SECONDS);
        } catch (ExecutionException e) {
            if (!(e.getCause() instanceof TopicExistsException)) {
                throw new IllegalStateException("the rollup topic could not be created", e.getCause());
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted creating the rollup topic", e);
        } catch (TimeoutException e) {
            throw new IllegalStateException("the broker did not answer in 30 s", e);
        }
    }

    /** The sink, for tests that wait on what it wrote. */
    synchronized MinuteRollupSink sink() {
        return sink;
    }
}
