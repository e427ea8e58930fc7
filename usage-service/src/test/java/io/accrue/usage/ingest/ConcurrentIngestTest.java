package io.accrue.usage.ingest;

import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

import jakarta.inject.Inject;

import org.junit.jupiter.api.Test;

import io.accrue.common.security.Roles;
import io.accrue.testing.TestTokens;
import io.accrue.usage.UsageFixtures;
import io.agroal.api.AgroalDataSource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;

/**
 * Exactly-once under concurrency: requests racing with overlapping event ids (written in shared group-commit
 * transactions) accept each id once, and rollups, quota counters and raw events agree to the unit.
 */
@QuarkusTest
class ConcurrentIngestTest {

    private static final int IDS = 300;

    @Inject
    AgroalDataSource dataSource;

    @Test
    void racingRequestsWithOverlappingIdsCountEachEventOnce() throws Exception {
        String org = "org-" + UUID.randomUUID();
        String token = TestTokens.as(Roles.USAGE_REPORTER).org(org).environment("live").bearer();
        ExecutorService pool = Executors.newFixedThreadPool(8);
        List<Future<Integer>> accepted = new ArrayList<>();
        for (int t = 0; t < 8; t++) {
            for (int k = 0; k < 5; k++) {
                int offset = t * 37 + k * 53;
                String body = IntStream.range(0, 100).map(j -> (offset + j) % IDS)
                        .mapToObj(id -> UsageFixtures.event("c-" + id, "u-" + id % 7, "gpt-4o", 10 + id, id % 5,
                                "2026-03-15T09:00:00Z"))
                        .collect(Collectors.joining(",", "{\"events\":[", "]}"));
                accepted.add(pool.submit(() -> given().header("Authorization", token)
                        .contentType(ContentType.JSON).body(body).when().post("/v1/usage-events").then()
                        .statusCode(200).extract().<Integer>path("accepted")));
            }
        }
        int total = 0;
        for (Future<Integer> f : accepted) {
            total += f.get();
        }
        pool.shutdown();
        long seen = IntStream.range(0, 8).flatMap(t -> IntStream.range(0, 5)
                .flatMap(k -> IntStream.range(0, 100).map(j -> (t * 37 + k * 53 + j) % IDS))).distinct().count();
        assertEquals(seen, total, "each distinct id accepted exactly once");

        long input = IntStream.range(0, IDS).filter(id -> isSeen(id)).mapToLong(id -> 10 + id).sum();
        assertEquals(List.of(seen, input, seen, input), sums(org));
    }

    private static boolean isSeen(int id) {
        return IntStream.range(0, 8).anyMatch(t -> IntStream.range(0, 5)
                .anyMatch(k -> IntStream.range(0, 100).anyMatch(j -> (t * 37 + k * 53 + j) % IDS == id)));
    }

    /** Events and input tokens as raw events, then as daily rollups, then as each quota window counts them. */
    private List<Long> sums(String org) throws Exception {
        List<Long> out = new ArrayList<>();
        try (Connection c = dataSource.getConnection()) {
            out.addAll(query(c, "select count(*), sum(input_tokens) from usage_events where org_id = ?", org));
            List<Long> daily = query(c, "select sum(requests), sum(input_tokens) from usage_daily where org_id = ?",
                    org);
            assertEquals(out, daily, "rollups agree with raw events");
            for (String window : List.of("day", "month", "minute")) {
                List<Long> counted = query(c, "select sum(used_requests), sum(used_tokens) from quota_counters"
                        + " where org_id = ? and window_kind = '" + window + "'", org);
                List<Long> tokens = query(c, "select count(*), sum(input_tokens + output_tokens) from usage_events"
                        + " where org_id = ?", org);
                assertEquals(tokens, counted, window + " counters agree with raw events");
            }
            out.addAll(daily);
        }
        return out;
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
