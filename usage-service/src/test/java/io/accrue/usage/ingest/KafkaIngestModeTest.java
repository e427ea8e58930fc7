package io.accrue.usage.ingest;

import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

import jakarta.inject.Inject;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;

import io.accrue.common.security.Roles;
import io.accrue.testing.TestTokens;
import io.accrue.usage.KafkaBrokerResource;
import io.accrue.usage.UsageFixtures;
import io.agroal.api.AgroalDataSource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import io.restassured.http.ContentType;

/**
 * Ingestion mode kafka against a real broker: the edge answers {@code queued} once the log holds the request, the
 * consumer writes each event once however often the log holds it (a client retry, a record read again after a
 * consumer crash between the database commit and the offset commit), and a broker that is down is a 503 the client
 * retries — nothing answered {@code queued} is lost when the broker is killed and restarted.
 */
@QuarkusTest
@TestProfile(KafkaBrokerResource.KafkaModeProfile.class)
class KafkaIngestModeTest {

    @Inject
    AgroalDataSource dataSource;

    @Inject
    UsageLogConsumer consumer;

    @Inject
    io.accrue.usage.config.UsageConfig config;

    @Test
    void queuedEventsAreWrittenOnceAndReplaysAreResolvedDownstream() throws Exception {
        String org = "kafka-" + UUID.randomUUID();
        String token = TestTokens.as(Roles.USAGE_REPORTER).org(org).environment("live").bearer();
        String body = batch(IntStream.range(0, 50).mapToObj(i -> "k-" + i).toList(), "k-0");

        given().header("Authorization", token).contentType(ContentType.JSON).body(body)
                .post("/v1/usage-events").then().statusCode(200)
                .body("queued", equalTo(50), "duplicates", equalTo(1), "accepted", equalTo(0),
                        "results[0].status", equalTo("queued"), "results[50].status", equalTo("duplicate"));
        await().atMost(Duration.ofSeconds(60)).until(() -> sums(org).get(0) == 50);
        List<Long> once = sums(org);

        // the client retries the whole request: queued again (the edge does not read the database), written never
        long before = consumer.written();
        given().header("Authorization", token).contentType(ContentType.JSON).body(body)
                .post("/v1/usage-events").then().statusCode(200).body("queued", equalTo(50));
        await().atMost(Duration.ofSeconds(60)).until(() -> consumer.written() > before);
        assertEquals(once, sums(org), "a replayed request moves no event, rollup or counter");

        // every record of the log read a second time, as after a consumer killed between commit and offset commit
        long reread = consumer.written();
        int copied = appendEveryRecordAgain(org);
        await().atMost(Duration.ofSeconds(60)).until(() -> consumer.written() >= reread + copied);
        assertEquals(once, sums(org), "records read again write nothing twice");
        assertEquals(List.of(50L, 50L * 10 + IntStream.range(0, 50).sum()), once.subList(0, 2));
    }

    @Test
    void aKilledBrokerIsA503AndNothingQueuedIsLostAcrossItsRestart() throws Exception {
        String org = "kafka-down-" + UUID.randomUUID();
        String token = TestTokens.as(Roles.USAGE_REPORTER).org(org).environment("live").bearer();
        given().header("Authorization", token).contentType(ContentType.JSON)
                .body(batch(List.of("a-1", "a-2"), null)).post("/v1/usage-events").then().statusCode(200)
                .body("queued", equalTo(2));

        KafkaBrokerResource.broker().kill();
        given().header("Authorization", token).contentType(ContentType.JSON)
                .body(batch(List.of("a-3"), null)).post("/v1/usage-events").then().statusCode(503)
                .contentType("application/problem+json").body("code", equalTo("ingestion_unavailable"));

        KafkaBrokerResource.broker().start(Duration.ofMinutes(2));
        // the client's retry of the refused request, once the log is back
        await().atMost(Duration.ofSeconds(60)).ignoreExceptions().until(() -> given()
                .header("Authorization", token).contentType(ContentType.JSON).body(batch(List.of("a-3"), null))
                .post("/v1/usage-events").then().extract().statusCode() == 200);
        await().atMost(Duration.ofSeconds(90)).until(() -> sums(org).get(0) == 3);
        assertEquals(3L, sums(org).get(0), "each queued event written exactly once after the broker's restart");
    }

    private static String batch(List<String> ids, String repeated) {
        List<String> events = new ArrayList<>();
        for (int i = 0; i < ids.size(); i++) {
            events.add(UsageFixtures.event(ids.get(i), "u-" + i % 4, "gpt-4o", 10 + i, 5, "2026-03-15T09:00:00Z"));
        }
        if (repeated != null) {
            events.add(UsageFixtures.event(repeated, "u-0", "gpt-4o", 10, 5, "2026-03-15T09:00:00Z"));
        }
        return events.stream().collect(Collectors.joining(",", "{\"events\":[", "]}"));
    }

    /** Copies the organisation's records of the usage log to its end again; returns how many. */
    private int appendEveryRecordAgain(String org) {
        String servers = KafkaBrokerResource.broker().bootstrapServers();
        String topic = config.ingest().kafka().topic();
        List<ConsumerRecord<String, byte[]>> mine = new ArrayList<>();
        try (var reader = new KafkaConsumer<>(Map.<String, Object>of("bootstrap.servers", servers, "group.id",
                "copy-" + UUID.randomUUID(), "auto.offset.reset", "earliest"), new StringDeserializer(),
                new ByteArrayDeserializer())) {
            reader.subscribe(List.of(topic));
            long until = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            while (mine.size() < 2 && System.nanoTime() < until) {
                for (ConsumerRecord<String, byte[]> r : reader.poll(Duration.ofMillis(500))) {
                    if (org.equals(r.key())) {
                        mine.add(r);
                    }
                }
            }
        }
        assertEquals(2, mine.size(), "the request and its replay are both in the log");
        try (var writer = new KafkaProducer<>(Map.<String, Object>of("bootstrap.servers", servers),
                new StringSerializer(), new ByteArraySerializer())) {
            for (ConsumerRecord<String, byte[]> r : mine) {
                writer.send(new ProducerRecord<>(topic, r.key(), r.value()));
            }
            writer.flush();
        }
        return mine.size();
    }

    /** Events and input tokens; the daily rollup's requests and input tokens; the day counter's tokens. */
    private List<Long> sums(String org) throws Exception {
        try (Connection c = dataSource.getConnection()) {
            List<Long> out = new ArrayList<>();
            out.addAll(query(c, "select count(*), coalesce(sum(input_tokens), 0) from usage_events where org_id = ?",
                    org));
            out.addAll(query(c, "select coalesce(sum(requests), 0), coalesce(sum(input_tokens), 0) from usage_daily"
                    + " where org_id = ?", org));
            out.addAll(query(c, "select coalesce(sum(used_requests), 0), coalesce(sum(used_tokens), 0)"
                    + " from quota_counters where org_id = ? and window_kind = 'day'", org));
            return out;
        }
    }

    private static List<Long> query(Connection c, String sql, String org) throws Exception {
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            ps.setString(1, org);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return List.of(rs.getLong(1), rs.getLong(2));
            }
        }
    }
}
