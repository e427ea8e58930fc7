package io.accrue.usage.ingest;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.math.BigDecimal;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import jakarta.inject.Inject;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.ObjectMapper;

import io.accrue.usage.UsageFixtures;
import io.accrue.usage.rating.Metered;
import io.agroal.api.AgroalDataSource;

/**
 * Parallel writers (GroupCommit with more than one writer slot) race without deadlocks and with idempotency exact:
 * 8 truly concurrent write transactions (the writer called directly, no grouping in between), each carrying batches
 * of three organisations in a random order with event ids that overlap across transactions in random orders. Every
 * id is accepted exactly once across all of them, and rollups and quota counters equal the raw events. Without the
 * writer's sorted row order two such transactions deadlock (PostgreSQL aborts one: the test fails with it).
 */
@io.quarkus.test.junit.QuarkusTest
class ParallelWritersRaceTest {

    private static final int IDS = 400, THREADS = 8, ROUNDS = 6, PER_BATCH = 80;
    private static final Instant AT = Instant.parse("2026-03-15T09:00:00Z");

    @Inject
    IngestWriter writer;
    @Inject
    ObjectMapper json;
    @Inject
    AgroalDataSource dataSource;

    @Test
    void concurrentTransactionsWithSharedIdsAcceptEachIdOnceAndNeverDeadlock() throws Exception {
        String run = UUID.randomUUID().toString().substring(0, 8);
        List<String> orgs = List.of("race-a-" + run, "race-b-" + run, "race-c-" + run);
        Map<String, AtomicInteger> acceptedPerId = new ConcurrentHashMap<>();
        Map<String, java.util.Set<String>> offered = new ConcurrentHashMap<>();
        CountDownLatch start = new CountDownLatch(1);
        ExecutorService pool = Executors.newFixedThreadPool(THREADS);
        List<Future<?>> done = new ArrayList<>();
        for (int t = 0; t < THREADS; t++) {
            Random random = new Random(t);
            done.add(pool.submit(() -> {
                start.await();
                for (int round = 0; round < ROUNDS; round++) {
                    List<String> order = new ArrayList<>(orgs);
                    Collections.shuffle(order, random);
                    List<PricedBatch> batches = new ArrayList<>();
                    for (String org : order) {
                        List<Integer> ids = new ArrayList<>();
                        for (int i = 0; i < IDS; i++) {
                            ids.add(i);
                        }
                        Collections.shuffle(ids, random);
                        List<RatedEvent> events = new ArrayList<>();
                        for (int k = 0; k < PER_BATCH; k++) {
                            String id = "r-" + ids.get(k);
                            offered.computeIfAbsent(org, o -> ConcurrentHashMap.newKeySet()).add(id);
                            events.add(event(k, id, "u-" + ids.get(k) % 9, ids.get(k)));
                        }
                        batches.add(new PricedBatch(org, "live", AT.plusSeconds(60), events));
                    }
                    List<List<EventResult>> results = writer.write(batches);
                    for (int b = 0; b < batches.size(); b++) {
                        for (EventResult r : results.get(b)) {
                            if (EventResult.ACCEPTED.equals(r.status())) {
                                acceptedPerId.computeIfAbsent(batches.get(b).org() + "/" + r.eventId(),
                                        k -> new AtomicInteger()).incrementAndGet();
                            }
                        }
                    }
                }
                return null;
            }));
        }
        start.countDown();
        for (Future<?> f : done) {
            f.get(180, TimeUnit.SECONDS); // a deadlock surfaces here as "deadlock detected"
        }
        pool.shutdown();

        Map<String, Integer> twice = new HashMap<>();
        acceptedPerId.forEach((k, v) -> {
            if (v.get() != 1) {
                twice.put(k, v.get());
            }
        });
        assertEquals(Map.of(), twice, "ids accepted more than once");
        for (String org : orgs) {
            long distinct = offered.get(org).size();
            assertEquals(distinct, acceptedPerId.keySet().stream().filter(k -> k.startsWith(org + "/")).count(),
                    "every offered id of " + org + " accepted once");
            try (Connection c = dataSource.getConnection()) {
                long inputTokens = offered.get(org).stream().mapToLong(id -> 10 + Long.parseLong(id.substring(2)))
                        .sum();
                assertEquals(List.of(distinct, inputTokens), sums(c,
                        "select count(*), sum(input_tokens) from usage_events where org_id = ?", org));
                assertEquals(List.of(distinct, inputTokens), sums(c,
                        "select sum(requests), sum(input_tokens) from usage_daily where org_id = ?", org));
                assertEquals(List.of(distinct, inputTokens), sums(c, "select sum(used_requests), sum(used_tokens)"
                        + " from quota_counters where org_id = ? and window_kind = 'day'", org));
            }
        }
    }

    private RatedEvent event(int index, String id, String user, int n) throws Exception {
        UsageEventRequest request = json.readValue(UsageFixtures.event(id, user, "gpt-4o", 10 + n, 0, AT.toString()),
                UsageEventRequest.class);
        return new RatedEvent(index, request, Metered.tokens(10 + n, 0, 0), "gpt-4o", "openai", "gpt-4o", null, "USD",
                new BigDecimal("0.000010000000"), false, AT.truncatedTo(ChronoUnit.DAYS),
                Instant.parse("2026-03-01T00:00:00Z"), AT.truncatedTo(ChronoUnit.MINUTES),
                List.of(new io.accrue.usage.rating.Rating.Part("input", 10 + n, new BigDecimal("0.000010000000"))));
    }

    private static List<Long> sums(Connection c, String sql, String org) throws Exception {
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            ps.setString(1, org);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return List.of(rs.getLong(1), rs.getLong(2));
            }
        }
    }
}
