package io.accrue.usage.ingest;

import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

import jakarta.inject.Inject;

import org.junit.jupiter.api.Test;

import io.accrue.common.security.Roles;
import io.accrue.testing.TestTokens;
import io.accrue.usage.KafkaBrokerResource;
import io.accrue.usage.UsageFixtures;
import io.accrue.usage.config.UsageConfig;
import io.agroal.api.AgroalDataSource;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import io.restassured.http.ContentType;

/**
 * The faults of issue 17 point 2 against a real broker, each with a stream of requests from twelve organisations
 * (spread over the topic's three partitions): a writer joining and leaving the group mid-stream, a writer killed
 * between its database commit and its offset commit, a writer stalled past the group's patience whose late commit
 * is refused, and the broker killed and restarted under a writer. Each ends with every queued event written once and
 * counted once in the daily rollup and the day's quota counter — nothing lost, nothing twice.
 */
@QuarkusTest
@TestProfile(KafkaBrokerResource.OwnWritersProfile.class)
class KafkaModeFaultsTest {

    private static final int EVENTS_PER_REQUEST = 5;

    @Inject
    AgroalDataSource dataSource;
    @Inject
    UsageLog log;
    @Inject
    IngestWriter writer;
    @Inject
    UsageConfig config;
    @Inject
    MeterRegistry registry;

    @Test
    void aWriterJoiningAndLeavingMidStreamLosesAndDoublesNothing() throws Exception {
        Stream stream = new Stream();
        try (LogWriters group = new LogWriters(log, writer, config, registry)) {
            UsageLogConsumer first = group.start();
            Thread poster = stream.postUntilStopped();
            await().atMost(Duration.ofSeconds(90)).until(() -> first.written() >= 10);

            UsageLogConsumer second = group.start();
            await().atMost(Duration.ofSeconds(90)).until(() -> second.written() >= 5);
            second.stop();
            long firstBeforeLeave = first.written();
            // the leaver's partitions are the first writer's again, and the stream still flows through it
            await().atMost(Duration.ofSeconds(90)).until(() -> first.written() >= firstBeforeLeave + 10);
            stream.stop(poster);

            stream.awaitEachEventOnce();
            assertTrue(second.written() >= 5, "the joiner took partitions and wrote some of the stream");
        }
    }

    @Test
    void aWriterKilledAfterItsDatabaseCommitLeavesRecordsTheNextOneResolvesAsDuplicates() throws Exception {
        Stream stream = new Stream();
        AtomicInteger commits = new AtomicInteger();
        try (LogWriters group = new LogWriters(log, writer, config, registry)) {
            stream.post(30);
            UsageLogConsumer killed = group.start(Duration.ofMinutes(15), offsets -> {
                if (commits.incrementAndGet() == 2) {
                    // the process dies here: its write is in PostgreSQL, its offsets are not in the group, and it
                    // sends no goodbye — the group notices by the session timeout, as after kill -9
                    throw new InterruptedException("killed by the test");
                }
            });
            await().atMost(Duration.ofSeconds(90)).until(() -> commits.get() >= 2);
            long killedWrote = killed.written();
            UsageLogConsumer replacement = group.start();
            stream.post(10);

            stream.awaitEachEventOnce();
            await().atMost(Duration.ofSeconds(30)).until(() -> replacement.duplicates() > 0);
            assertEquals(killedWrote, killed.written(), "the killed writer committed nothing after its death");
            assertTrue(replacement.duplicates() % EVENTS_PER_REQUEST == 0,
                    "whole requests were read again: " + replacement.duplicates());
        }
    }

    @Test
    void aStalledWriterWhoseCommitIsRefusedRewindsAndTheGroupWritesItsBatchOnce() throws Exception {
        Stream stream = new Stream();
        CountDownLatch stalled = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        AtomicBoolean once = new AtomicBoolean();
        try (LogWriters group = new LogWriters(log, writer, config, registry)) {
            stream.post(20);
            UsageLogConsumer slow = group.start(Duration.ofSeconds(6), offsets -> {
                if (once.compareAndSet(false, true)) {
                    stalled.countDown();
                    // a stop-the-world pause, a hung call: longer than max.poll.interval, so the group drops it
                    release.await(2, TimeUnit.MINUTES);
                }
            });
            assertTrue(stalled.await(90, TimeUnit.SECONDS), "the writer reached its stall");
            UsageLogConsumer other = group.start();
            // the group gave the stalled writer's partitions to the other, which wrote the stalled batch again
            await().atMost(Duration.ofSeconds(90)).until(() -> other.duplicates() > 0);
            release.countDown();
            await().atMost(Duration.ofSeconds(60)).until(() -> slow.refusedCommits() >= 1);
            stream.post(20);

            stream.awaitEachEventOnce();
            assertEquals(1, slow.refusedCommits(), "the late commit was refused once, then the writer rejoined");
        }
    }

    @Test
    void aBrokerKilledAndRestartedUnderAWriterLosesAndDoublesNothing() throws Exception {
        Stream stream = new Stream();
        try (LogWriters group = new LogWriters(log, writer, config, registry)) {
            stream.post(30);
            UsageLogConsumer w = group.start();
            await().atMost(Duration.ofSeconds(90)).until(() -> w.written() >= 5);
            KafkaBrokerResource.broker().kill();
            KafkaBrokerResource.broker().start(Duration.ofMinutes(2));
            // the producer and the writer reconnect on their own; the stream goes on
            await().atMost(Duration.ofSeconds(90)).ignoreExceptions().until(() -> stream.tryPost());
            stream.post(9);

            stream.awaitEachEventOnce();
        }
    }

    /** Requests of five events from twelve organisations, in turn; what was answered queued. */
    private final class Stream {
        private final String prefix = "flt-" + UUID.randomUUID().toString().substring(0, 8) + "-";
        private final AtomicInteger queued = new AtomicInteger();
        private final AtomicBoolean stopped = new AtomicBoolean();

        void post(int requests) {
            for (int i = 0; i < requests; i++) {
                assertTrue(tryPost(), "request queued");
            }
        }

        /** Posts the next request; true when it was queued (the counter moves only then). */
        synchronized boolean tryPost() {
            int n = queued.get();
            String org = prefix + (n % 12);
            String body = IntStream.range(0, EVENTS_PER_REQUEST)
                    .mapToObj(i -> UsageFixtures.event("r" + n + "-" + i, "u-" + i % 2, "gpt-4o", 10, 5,
                            "2026-03-15T09:00:00Z"))
                    .collect(Collectors.joining(",", "{\"events\":[", "]}"));
            int status = given().header("Authorization", token(org)).contentType(ContentType.JSON).body(body)
                    .post("/v1/usage-events").then().extract().statusCode();
            if (status != 200) {
                return false;
            }
            queued.incrementAndGet();
            return true;
        }

        Thread postUntilStopped() {
            Thread t = new Thread(() -> {
                while (!stopped.get() && queued.get() < 2_000) {
                    tryPost();
                }
            }, "stream");
            t.start();
            return t;
        }

        void stop(Thread poster) throws InterruptedException {
            stopped.set(true);
            poster.join();
        }

        void awaitEachEventOnce() throws Exception {
            long expected = (long) queued.get() * EVENTS_PER_REQUEST;
            await().atMost(Duration.ofMinutes(2)).until(() -> sums().get(0) >= expected);
            assertEquals(List.of(expected, expected, expected), sums(),
                    "events, daily rollup requests and the day's quota counter: each event once");
        }

        private String token(String org) {
            return TestTokens.as(Roles.USAGE_REPORTER).org(org).environment("live").bearer();
        }

        /** Events, the daily rollup's requests, the day counter's requests, over this stream's organisations. */
        private List<Long> sums() throws Exception {
            String like = prefix + "%";
            List<Long> out = new ArrayList<>();
            try (Connection c = dataSource.getConnection()) {
                out.add(one(c, "select count(*) from usage_events where org_id like ?", like));
                out.add(one(c, "select coalesce(sum(requests), 0) from usage_daily where org_id like ?", like));
                out.add(one(c, "select coalesce(sum(used_requests), 0) from quota_counters where org_id like ?"
                        + " and window_kind = 'day'", like));
            }
            return out;
        }

        private long one(Connection c, String sql, String like) throws Exception {
            try (PreparedStatement ps = c.prepareStatement(sql)) {
                ps.setString(1, like);
                try (ResultSet rs = ps.executeQuery()) {
                    rs.next();
                    return rs.getLong(1);
                }
            }
        }
    }
}
