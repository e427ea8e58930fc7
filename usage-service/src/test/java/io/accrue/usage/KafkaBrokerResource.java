package io.accrue.usage;

import java.nio.file.Files;
import java.time.Duration;
import java.util.Map;

import io.accrue.kafkabroker.LocalKafka;
import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;

/**
 * A real Kafka broker (kafka-broker module, its own process) and usage-service in ingestion mode kafka against it.
 * Only for the test profile that names it ({@link KafkaModeProfile}).
 */
public class KafkaBrokerResource implements QuarkusTestResourceLifecycleManager {

    private static LocalKafka broker;

    /** The running broker: tests kill and restart it. */
    public static LocalKafka broker() {
        return broker;
    }

    @Override
    public Map<String, String> start() {
        try {
            broker = LocalKafka.start(Files.createTempDirectory("usage-kafka"), LocalKafka.freePortPair(),
                    Duration.ofMinutes(2));
        } catch (Exception e) {
            throw new IllegalStateException("the Kafka broker did not start", e);
        }
        return Map.of("accrue.usage.ingest.mode", "kafka",
                "accrue.usage.ingest.kafka.bootstrap-servers", broker.bootstrapServers(),
                "accrue.usage.ingest.kafka.partitions", "3",
                "accrue.usage.ingest.kafka.ack-timeout", "PT10S");
    }

    @Override
    public void stop() {
        if (broker != null) {
            try {
                broker.close();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /** Ingestion mode kafka against {@link KafkaBrokerResource}, PostgreSQL and tokens as every test. */
    public static class KafkaModeProfile implements io.quarkus.test.junit.QuarkusTestProfile {
        @Override
        public java.util.List<TestResourceEntry> testResources() {
            return java.util.List.of(new TestResourceEntry(KafkaBrokerResource.class));
        }
    }

    /**
     * Ingestion mode kafka with no consumer of the service's own: the test starts the writers it needs (several in one
     * group, each with its own fault) and decides when the log is read.
     */
    public static class OwnWritersProfile implements io.quarkus.test.junit.QuarkusTestProfile {
        @Override
        public java.util.List<TestResourceEntry> testResources() {
            return java.util.List.of(new TestResourceEntry(KafkaBrokerResource.class));
        }

        @Override
        public Map<String, String> getConfigOverrides() { return Map.of("accrue.usage.ingest.kafka.consume", "false"); }
    }
}
