package io.accrue.usage.stream;

import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Collectors;
import java.util.stream.Stream;

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
import io.accrue.usage.config.UsageConfig;
import io.agroal.api.AgroalDataSource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.restassured.http.ContentType;

/**
 * The stream aggregation on the real broker and PostgreSQL, beside the per-event consumer: requests through the
 * kafka edge with duplicates inside them, client retries and records the log holds twice; the Streams app closed and
 * started again mid-stream, then started once more without its local state (a replica replaced: the stores come back
 * from their changelogs). After each step the minute rollups equal the per-event consumer's rows summed per minute —
 * nothing lost, nothing counted twice.
 */
@QuarkusTest
@TestProfile(StreamAggregationKafkaTest.StreamProfile.class)
class StreamAggregationKafkaTest {

    static final Path STATE = Path.of("target", "streams-state-" + UUID.randomUUID());

    /** Mode kafka on the test broker, with the stream aggregation on, emitting fast, under a static member id. */
    public static class StreamProfile implements QuarkusTestProfile {
        @Override
        public List<TestResourceEntry> testResources() {
            return List.of(new TestResourceEntry(KafkaBrokerResource.class));
        }

        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("accrue.usage.stream-aggregation.enabled", "true",
                    "accrue.usage.stream-aggregation.emit-every", "PT0.2S",
                    "accrue.usage.stream-aggregation.state-dir", STATE.toAbsolutePath().toString(),
                    "accrue.usage.stream-aggregation.instance-id", "usage-test-0");
        }
    }

    @Inject
    AgroalDataSource dataSource;

    @Inject
    StreamAggregation aggregation;

    @Inject
    UsageConfig config;

    @Test
    void minuteRollupsEqualThePerEventRowsThroughReplaysAndRestarts() throws Exception {
        String org = "stream-" + UUID.randomUUID();
        String token = TestTokens.as(Roles.USAGE_REPORTER).org(org).environment("live").bearer();

        // 60 events over three minutes, four end users, a model by its alias; one id twice in the request
        String first = batch("a", 0, 60, "a-0");
        post(token, first).body("queued", equalTo(60), "duplicates", equalTo(1));
        post(token, first).body("queued", equalTo(60)); // the client's retry: queued again, counted never
        awaitEqual(org, 60);

        appendOrganisationsRecordsAgain(org, 2); // the log holds both records once more
        post(token, batch("b", 0, 40, null));
        awaitEqual(org, 100);

        // closed mid-stream: what arrives meanwhile waits in the log, the restarted app counts it once
        aggregation.stop();
        post(token, batch("c", 10, 30, null));
        post(token, batch("a", 0, 60, null)); // and a replay of the first request while it is down
        aggregation.start();
        awaitEqual(org, 120);

        // started again without its local state (a replica replaced): the stores are restored from the changelogs,
        // so ids seen before the restore are still duplicates
        aggregation.stop();
        deleteState();
        post(token, batch("b", 0, 40, null));
        post(token, batch("d", 0, 20, null));
        aggregation.start();
        awaitEqual(org, 140);
    }

    private void awaitEqual(String org, long events) throws Exception {
        await().atMost(Duration.ofMinutes(2)).pollInterval(Duration.ofMillis(500))
                .until(() -> count(org, "usage_events", "count(*)") == events);
        await().atMost(Duration.ofMinutes(2)).pollInterval(Duration.ofMillis(500)).untilAsserted(() -> assertEquals(
                perEvent(org), rollups(org), "the minute rollups are the per-event rows summed per minute"));
        assertEquals(events, count(org, "usage_minute_rollups", "sum(events)"));
    }

    private io.restassured.response.ValidatableResponse post(String token, String body) {
        return given().header("Authorization", token).contentType(ContentType.JSON).body(body)
                .post("/v1/usage-events").then().statusCode(200);
    }

    /** Events prefix-from … prefix-(to−1), spread over 09:00–09:02 and four end users, tokens by index. */
    private static String batch(String prefix, int from, int to, String repeated) {
        List<String> events = new ArrayList<>();
        for (int i = from; i < to; i++) {
            String at = "2026-03-15T09:0" + (i % 3) + ":" + String.format("%02d", i % 60) + "Z";
            events.add(UsageFixtures.event(prefix + "-" + i, "u-" + i % 4, i % 2 == 0 ? "openai/gpt-4o" : "gpt-4o-mini",
                    100 + i, 10 + i, at));
        }
        if (repeated != null) {
            events.add(UsageFixtures.event(repeated, "u-0", "openai/gpt-4o", 100, 10, "2026-03-15T09:00:00Z"));
        }
        return events.stream().collect(Collectors.joining(",", "{\"events\":[", "]}"));
    }

    private List<List<String>> perEvent(String org) throws Exception {
        return rows("""
                select end_user_id, coalesce(model_id, model_requested), coalesce(currency, 'XXX'),
                       date_trunc('minute', occurred_at), count(*), sum(input_tokens), sum(output_tokens),
                       sum(cached_tokens), sum(reasoning_tokens), sum(tool_calls), sum(cost)
                from usage_events where org_id = ? group by 1, 2, 3, 4 order by 4, 1, 2, 3""", org);
    }

    private List<List<String>> rollups(String org) throws Exception {
        return rows("""
                select end_user_id, model, currency, minute, events, input_tokens, output_tokens, cached_tokens,
                       reasoning_tokens, tool_calls, cost
                from usage_minute_rollups where org_id = ? order by 4, 1, 2, 3""", org);
    }

    private long count(String org, String table, String what) throws Exception {
        return Long.parseLong(rows("select " + what + " from " + table + " where org_id = ?", org).get(0).get(0));
    }

    private List<List<String>> rows(String sql, String org) throws Exception {
        try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement(sql)) {
            ps.setString(1, org);
            try (ResultSet rs = ps.executeQuery()) {
                List<List<String>> out = new ArrayList<>();
                int n = rs.getMetaData().getColumnCount();
                while (rs.next()) {
                    List<String> row = new ArrayList<>();
                    for (int i = 1; i <= n; i++) {
                        row.add(rs.getString(i));
                    }
                    out.add(row);
                }
                return out;
            }
        }
    }

    /** Copies the organisation's records of the usage log to its end again, as a producer retrying them would. */
    private void appendOrganisationsRecordsAgain(String org, int expected) {
        String servers = KafkaBrokerResource.broker().bootstrapServers();
        String topic = config.ingest().kafka().topic();
        List<ConsumerRecord<String, byte[]>> mine = new ArrayList<>();
        try (var reader = new KafkaConsumer<>(Map.<String, Object>of("bootstrap.servers", servers, "group.id",
                "copy-" + UUID.randomUUID(), "auto.offset.reset", "earliest"), new StringDeserializer(),
                new ByteArrayDeserializer())) {
            reader.subscribe(List.of(topic));
            long until = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            while (mine.size() < expected && System.nanoTime() < until) {
                for (ConsumerRecord<String, byte[]> r : reader.poll(Duration.ofMillis(500))) {
                    if (org.equals(r.key())) {
                        mine.add(r);
                    }
                }
            }
        }
        assertEquals(expected, mine.size(), "the request and its retry are both in the log");
        try (var writer = new KafkaProducer<>(Map.<String, Object>of("bootstrap.servers", servers),
                new StringSerializer(), new ByteArraySerializer())) {
            for (ConsumerRecord<String, byte[]> r : mine) {
                writer.send(new ProducerRecord<>(topic, r.key(), r.value()));
            }
            writer.flush();
        }
    }

    private static void deleteState() throws IOException {
        if (!Files.exists(STATE)) {
            return;
        }
        try (Stream<Path> all = Files.walk(STATE)) {
            for (Path p : all.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(p);
            }
        }
    }
}
