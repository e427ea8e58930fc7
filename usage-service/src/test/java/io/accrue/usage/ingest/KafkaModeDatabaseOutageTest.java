package io.accrue.usage.ingest;

import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

import jakarta.inject.Inject;

import org.junit.jupiter.api.Test;

import io.accrue.common.security.Roles;
import io.accrue.testing.OidcKeysResource;
import io.accrue.testing.RestartSql;
import io.accrue.testing.RestartablePostgresResource;
import io.accrue.testing.TestTokens;
import io.accrue.usage.KafkaBrokerResource;
import io.accrue.usage.StripeStub;
import io.accrue.usage.SubscriptionServiceStub;
import io.accrue.usage.UsageFixtures;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.restassured.http.ContentType;

/**
 * Ingestion mode kafka with PostgreSQL down: the edge keeps answering {@code queued} (the log holds the events),
 * the consumer's writes fail and are retried from the same offsets, the lag grows, and when PostgreSQL is back the
 * backlog drains — every queued event written exactly once.
 */
@QuarkusTest
@TestProfile(KafkaModeDatabaseOutageTest.OwnDatabase.class)
class KafkaModeDatabaseOutageTest {

    public static class OwnDatabase implements QuarkusTestProfile {
        @Override
        public boolean disableGlobalTestResources() {
            return true;
        }

        @Override
        public List<TestResourceEntry> testResources() {
            return List.of(
                    new TestResourceEntry(RestartablePostgresResource.class, Map.of("database", "usage_kafka_outage")),
                    new TestResourceEntry(OidcKeysResource.class), new TestResourceEntry(SubscriptionServiceStub.class),
                    new TestResourceEntry(StripeStub.class), new TestResourceEntry(KafkaBrokerResource.class));
        }

        @Override
        public Map<String, String> getConfigOverrides() {
            // the edge rates from its catalog copy and reads no database while it holds one
            return Map.of("accrue.usage.pricing.cache-ttl", "PT1H", "accrue.usage.signing.cache-ttl", "PT1H");
        }
    }

    @Inject
    UsageLogConsumer consumer;

    @Test
    void queuedEventsWaitInTheLogWhileTheDatabaseIsDownAndAreWrittenOnceAfter() throws Exception {
        String org = "kafka-pg-" + UUID.randomUUID();
        String token = TestTokens.as(Roles.USAGE_REPORTER).org(org).environment("live").bearer();
        given().header("Authorization", token).contentType(ContentType.JSON).body(batch(0, 10))
                .post("/v1/usage-events").then().statusCode(200).body("queued", equalTo(10));
        await().atMost(Duration.ofSeconds(60)).until(() -> events(org) == 10);

        RestartablePostgresResource.shutDown();
        long writtenBefore = consumer.written();
        for (int from = 10; from < 40; from += 10) {
            given().header("Authorization", token).contentType(ContentType.JSON).body(batch(from, 10))
                    .post("/v1/usage-events").then().statusCode(200).body("queued", equalTo(10));
        }
        long failedBefore = consumer.failedWrites();
        await().atMost(Duration.ofSeconds(60)).until(() -> consumer.failedWrites() > failedBefore);
        assertEquals(writtenBefore, consumer.written(), "nothing is written (nor committed) while PostgreSQL is down");

        RestartablePostgresResource.startAgain();
        await().atMost(Duration.ofMinutes(2)).ignoreExceptions().until(() -> events(org) == 40);
        await().atMost(Duration.ofSeconds(30)).until(() -> consumer.lag() == 0);
        assertEquals(40, events(org), "the backlog drained: every queued event written exactly once");
        assertEquals(40, rollupRequests(org), "and counted once in the rollups");
    }

    private static String batch(int from, int n) {
        return IntStream.range(from, from + n)
                .mapToObj(i -> UsageFixtures.event("pg-" + i, "u-" + i % 3, "gpt-4o", 10, 5, "2026-03-15T09:00:00Z"))
                .collect(Collectors.joining(",", "{\"events\":[", "]}"));
    }

    private static long events(String org) {
        return RestartSql.count("select count(*) from usage_events where org_id = ?", org);
    }

    private static long rollupRequests(String org) {
        return RestartSql.count("select coalesce(sum(requests), 0) from usage_daily where org_id = ?", org);
    }
}
