package io.accrue.kafkabroker;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;

class LocalKafkaTest {

    /** What an acknowledged append promises: it is still in the log after the broker was killed and restarted. */
    /** One start in 64 failed with "argument --cluster-id: expected one argument" before ids starting '-' were skipped. */
    @Test
    void clusterIdsNeverLookLikeAnOption() {
        for (int i = 0; i < 10_000; i++) {
            String id = LocalKafka.randomClusterId();
            org.junit.jupiter.api.Assertions.assertFalse(id.startsWith("-"), id);
            assertEquals(22, id.length(), id);
        }
    }

    @Test
    void acknowledgedRecordsSurviveAKilledBroker() throws Exception {
        Path home = Files.createTempDirectory("local-kafka");
        try (LocalKafka kafka = LocalKafka.start(home, LocalKafka.freePortPair(), Duration.ofSeconds(90))) {
            try (Admin admin = Admin.create(Map.of("bootstrap.servers", kafka.bootstrapServers()))) {
                admin.createTopics(List.of(new NewTopic("t", 2, (short) 1))).all().get();
            }
            Properties producer = new Properties();
            producer.put("bootstrap.servers", kafka.bootstrapServers());
            producer.put("acks", "all");
            producer.put("enable.idempotence", "true");
            try (var p = new KafkaProducer<>(producer, new StringSerializer(), new StringSerializer())) {
                for (int i = 0; i < 100; i++) {
                    p.send(new ProducerRecord<>("t", "org-" + (i % 3), "e" + i)).get();
                }
            }
            kafka.kill();
            kafka.start(Duration.ofSeconds(90));

            Properties consumer = new Properties();
            consumer.put("bootstrap.servers", kafka.bootstrapServers());
            consumer.put("group.id", "check");
            consumer.put("auto.offset.reset", "earliest");
            List<String> read = new ArrayList<>();
            try (var c = new KafkaConsumer<>(consumer, new StringDeserializer(), new StringDeserializer())) {
                c.subscribe(List.of("t"));
                long until = System.nanoTime() + Duration.ofSeconds(60).toNanos();
                while (read.size() < 100 && System.nanoTime() < until) {
                    for (ConsumerRecord<String, String> r : c.poll(Duration.ofMillis(500))) {
                        read.add(r.value());
                    }
                }
            }
            assertEquals(100, read.size(), "every acknowledged record is read back after the restart");
            assertEquals(100, read.stream().distinct().count());
        }
    }
}
