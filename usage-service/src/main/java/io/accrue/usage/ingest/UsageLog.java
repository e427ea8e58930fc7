package io.accrue.usage.ingest;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;

import com.fasterxml.jackson.databind.ObjectMapper;

import io.accrue.common.error.ApiException;
import io.accrue.usage.config.IngestMode;
import io.accrue.usage.config.UsageConfig;

/**
 * The usage log of ingestion mode {@code kafka}: each accepted request's priced events become one record, keyed by
 * organisation (so one organisation's requests stay in order on one partition), appended by an idempotent producer
 * with {@code acks=all}. The edge answers only after the broker acknowledged the record; consumers
 * ({@link UsageLogConsumer}) write it to PostgreSQL with the same idempotent writer as direct mode, so a request
 * appended twice (a client retry) is written once.
 *
 * <p>
 * One record per request, not per event: the writer takes a request's events in one transaction anyway, and a
 * batch of 1,000 events is one append instead of 1,000.
 */
@ApplicationScoped
public class UsageLog {

    private static final org.jboss.logging.Logger LOG = org.jboss.logging.Logger.getLogger(UsageLog.class);

    private final UsageConfig.Kafka config;
    private final ObjectMapper mapper;
    private final boolean enabled;
    private volatile KafkaProducer<String, byte[]> producer;

    UsageLog(UsageConfig config, ObjectMapper mapper) {
        this.config = config.ingest().kafka();
        this.mapper = mapper;
        this.enabled = config.ingest().mode() == IngestMode.KAFKA;
        if (enabled && this.config.bootstrapServers().isEmpty()) {
            throw new IllegalStateException(
                    "accrue.usage.ingest.mode=kafka needs accrue.usage.ingest.kafka.bootstrap-servers");
        }
    }

    boolean enabled() {
        return enabled;
    }

    /**
     * Appends the batch and answers {@code queued} for each of its events once the broker acknowledged it; 503
     * {@code ingestion_unavailable} when it did not within the configured time (nothing is answered queued that
     * the log does not hold; a record the broker did take after the timeout is a duplicate of the client's retry).
     */
    List<EventResult> append(PricedBatch batch) {
        byte[] value;
        try {
            value = mapper.writeValueAsBytes(batch);
        } catch (IOException e) {
            throw new IllegalStateException("a priced batch could not be serialised", e);
        }
        try {
            producer().send(new ProducerRecord<>(config.topic(), batch.org(), value))
                    .get(config.ackTimeout().toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw unavailable();
        } catch (ExecutionException | TimeoutException e) {
            LOG.warnf("usage log append refused (answered 503): %s", e.getCause() != null ? e.getCause() : e);
            throw unavailable();
        }
        List<EventResult> results = new ArrayList<>(batch.events().size());
        for (RatedEvent e : batch.events()) {
            results.add(EventResult.queued(e));
        }
        return results;
    }

    /** A record of the log as the consumers read it. */
    PricedBatch decode(byte[] value) throws IOException {
        return mapper.readValue(value, PricedBatch.class);
    }

    private static ApiException unavailable() {
        return new ApiException(503, "ingestion_unavailable", "Usage log unavailable",
                "The usage log did not acknowledge the events in time; nothing was queued that it does not hold."
                        + " Retry the same request (event ids make it safe).");
    }

    private KafkaProducer<String, byte[]> producer() {
        KafkaProducer<String, byte[]> p = producer;
        if (p == null) {
            synchronized (this) {
                if (producer == null) {
                    ensureTopic();
                    producer = new KafkaProducer<>(Map.of(
                            ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, config.bootstrapServers().orElseThrow(),
                            ProducerConfig.ACKS_CONFIG, "all",
                            ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true,
                            ProducerConfig.LINGER_MS_CONFIG, 1,
                            // no compression: the Quarkus BOM leaves lz4-java out, and JSON batches are small
                            // a batch of 1,000 events is about 0.5 MB of JSON before compression
                            ProducerConfig.MAX_REQUEST_SIZE_CONFIG, 4 * 1024 * 1024,
                            ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, (int) config.ackTimeout().toMillis(),
                            // send() itself waits for the topic's metadata: with the broker down, no longer than this
                            ProducerConfig.MAX_BLOCK_MS_CONFIG, config.ackTimeout().toMillis(),
                            // Kafka wants delivery ≥ linger + request: half the wait per request, so one retry fits
                            ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG,
                            (int) Math.min(config.ackTimeout().toMillis() / 2, 5_000)),
                            new StringSerializer(), new ByteArraySerializer());
                }
                p = producer;
            }
        }
        return p;
    }

    /** The topic is this service's: created on first use when missing (Strimzi declares it in Kubernetes). */
    public void ensureTopic() {
        try (Admin admin = Admin.create(Map.of("bootstrap.servers", config.bootstrapServers().orElseThrow()))) {
            if (admin.listTopics().names().get(30, TimeUnit.SECONDS).contains(config.topic())) {
                return;
            }
            admin.createTopics(Set.of(new NewTopic(config.topic(), config.partitions(), config.replicationFactor())
                    .configs(Map.of("max.message.bytes", String.valueOf(4 * 1024 * 1024)))))
                    .all().get(30, TimeUnit.SECONDS);
        } catch (ExecutionException e) {
            if (!(e.getCause() instanceof TopicExistsException)) {
                LOG.warnf("usage log topic %s could not be read or created: %s", config.topic(), e.getCause());
                throw unavailable();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw unavailable();
        } catch (TimeoutException e) {
            LOG.warnf("usage log topic %s: the broker did not answer in 30 s", config.topic());
            throw unavailable();
        }
    }

    @PreDestroy
    void close() {
        if (producer != null) {
            producer.close(java.time.Duration.ofSeconds(10));
        }
    }
}
