package io.accrue.usage.stream;

import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.startsWith;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Collectors;

import jakarta.inject.Inject;

import org.junit.jupiter.api.Test;

import io.accrue.common.security.Roles;
import io.accrue.kafkabroker.LocalKafka;
import io.accrue.testing.TestTokens;
import io.accrue.usage.UsageFixtures;
import io.agroal.api.AgroalDataSource;
import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.restassured.http.ContentType;

/**
 * A replica with the stream aggregation on, started while its broker is down: it starts and serves (readiness up, an
 * organisation's usage summary answered), reports the aggregation on {@code /q/health/well} as down, waiting for the
 * broker; once the broker is up on its address the Streams app starts by itself, the check turns up, and events sent
 * then reach the minute rollups.
 */
@QuarkusTest
@TestProfile(StreamAggregationBrokerDownTest.BrokerDownProfile.class)
class StreamAggregationBrokerDownTest {

    private static final String CHECK = "checks.find { it.name == 'stream-aggregation' }";

    /** Mode kafka and the stream aggregation, pointed at an address where no broker runs yet. */
    public static class BrokerDownProfile implements QuarkusTestProfile {
        @Override
        public List<TestResourceEntry> testResources() {
            return List.of(new TestResourceEntry(AbsentBroker.class));
        }

        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("accrue.usage.stream-aggregation.enabled", "true",
                    "accrue.usage.stream-aggregation.emit-every", "PT0.2S",
                    "accrue.usage.stream-aggregation.state-dir",
                    Path.of("target", "streams-state-" + UUID.randomUUID()).toAbsolutePath().toString());
        }
    }

    /** A free port pair for a broker the test starts later; stopped with the test's application. */
    public static class AbsentBroker implements QuarkusTestResourceLifecycleManager {
        static int port;
        static LocalKafka broker;

        @Override
        public Map<String, String> start() {
            try {
                port = LocalKafka.freePortPair();
            } catch (java.io.IOException e) {
                throw new IllegalStateException(e);
            }
            return Map.of("accrue.usage.ingest.mode", "kafka",
                    "accrue.usage.ingest.kafka.bootstrap-servers", "127.0.0.1:" + port,
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
    }

    @Inject
    AgroalDataSource dataSource;

    @Test
    void startsAndServesWithTheBrokerDownThenAggregatesOnceItIsUp() throws Exception {
        String org = "down-" + UUID.randomUUID();
        // started (this test runs at all) and ready: the load balancer keeps sending it requests
        given().get("/q/health/ready").then().statusCode(200);
        given().get("/q/health/well").then().statusCode(503).body(CHECK + ".status", equalTo("DOWN"),
                CHECK + ".data.state", equalTo("WAITING_FOR_BROKER"),
                CHECK + ".data.waitingFor", startsWith("the broker"));
        given().header("Authorization", TestTokens.bearer(org, Roles.MEMBER))
                .queryParam("from", "2026-03-15T00:00:00Z").queryParam("to", "2026-03-16T00:00:00Z")
                .get("/v1/orgs/{org}/usage/summary", org).then().statusCode(200);

        AbsentBroker.broker = LocalKafka.start(Files.createTempDirectory("usage-kafka-late"), AbsentBroker.port,
                Duration.ofMinutes(2));
        await().atMost(Duration.ofMinutes(4)).pollInterval(Duration.ofSeconds(1))
                .untilAsserted(() -> given().get("/q/health/well").then().statusCode(200)
                        .body(CHECK + ".data.state", equalTo("RUNNING")));

        String token = TestTokens.as(Roles.USAGE_REPORTER).org(org).environment("live").bearer();
        String body = java.util.stream.IntStream.range(0, 12)
                .mapToObj(i -> UsageFixtures.event("late-" + i, "u-" + i % 3, "gpt-4o", 100, 10,
                        "2026-03-15T09:0" + (i % 2) + ":00Z"))
                .collect(Collectors.joining(",", "{\"events\":[", "]}"));
        await().atMost(Duration.ofMinutes(2)).pollInterval(Duration.ofSeconds(1)).ignoreExceptions()
                .untilAsserted(() -> given().header("Authorization", token).contentType(ContentType.JSON).body(body)
                        .post("/v1/usage-events").then().statusCode(200).body("queued", equalTo(12)));
        await().atMost(Duration.ofMinutes(2)).pollInterval(Duration.ofMillis(500))
                .until(() -> rollupEvents(org) == 12);
    }

    private long rollupEvents(String org) throws Exception {
        try (Connection c = dataSource.getConnection();
                PreparedStatement ps = c.prepareStatement(
                        "select coalesce(sum(events), 0) from usage_minute_rollups where org_id = ?")) {
            ps.setString(1, org);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getLong(1);
            }
        }
    }
}
