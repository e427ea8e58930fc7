package io.accrue.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.Test;

class AccrueClientTest {

    static final String BATCH_OK = """
            {"accepted":1,"duplicates":1,"rejected":1,"results":[
             {"index":0,"eventId":"e1","status":"accepted","model":"gpt-4o","cost":"0.001250000000",
              "priceVersionId":"6d1f4c0e-8a38-4c2b-9d0e-2f5cbb3a7a11","dimensions":[]},
             {"index":1,"eventId":"e2","status":"duplicate"},
             {"index":2,"eventId":"e3","status":"rejected","code":"unknown_model","reason":"no such model"}]}""";

    final List<Duration> waits = new CopyOnWriteArrayList<>();

    AccrueClient client(StubServer s, RetryPolicy p) {
        return AccrueClient.builder(s.url() + "/").apiKey("acr_test_key").retryPolicy(p).sleeper(waits::add)
                .requestTimeout(Duration.ofSeconds(5)).build();
    }

    static List<UsageEvent> three() {
        return List.of(UsageEvent.builder("e1", "u1", "gpt-4o").inputTokens(10).outputTokens(5).build(),
                UsageEvent.builder("e2", "u1", "gpt-4o").inputTokens(1).build(),
                UsageEvent.builder("e3", "u1", "nope").inputTokens(1).build());
    }

    @Test
    void aBatchIsPostedWithTheKeyAndAnsweredPerEvent() throws IOException {
        try (StubServer s = new StubServer(r -> StubServer.Reply.json(200, BATCH_OK))) {
            BatchResult b = client(s, RetryPolicy.defaults()).send(three());
            StubServer.Seen seen = s.seen.peek();
            assertEquals("POST", seen.method());
            assertEquals("/v1/usage-events", seen.uri());
            assertEquals("Bearer acr_test_key", seen.authorization());
            assertTrue(
                    seen.body().startsWith("{\"events\":[{\"eventId\":\"e1\",\"endUserId\":\"u1\",\"model\":\"gpt-4o\","
                            + "\"inputTokens\":10,\"outputTokens\":5,\"occurredAt\":\""),
                    seen.body());
            assertEquals(1, b.accepted());
            assertEquals(EventResult.Status.ACCEPTED, b.results().get(0).status());
            assertEquals(new java.math.BigDecimal("0.001250000000"), b.results().get(0).cost());
            assertEquals(EventResult.Status.DUPLICATE, b.results().get(1).status());
            assertTrue(b.results().get(1).settled());
            assertEquals("unknown_model", b.results().get(2).code());
            assertFalse(b.results().get(2).settled());
        }
    }

    @Test
    void overloadIsRetriedHonouringRetryAfterThenSucceeds() throws IOException {
        AtomicInteger n = new AtomicInteger();
        try (StubServer s = new StubServer(r -> switch (n.incrementAndGet()) {
            case 1 -> StubServer.Reply.problem(429, "rate_limited", Map.of("Retry-After", "3"));
            case 2 -> StubServer.Reply.problem(503, "ingestion_unavailable", Map.of());
            default -> StubServer.Reply.json(200, BATCH_OK);
        })) {
            RetryPolicy p = RetryPolicy.of(5, Duration.ofMillis(100), Duration.ofSeconds(1)).withRandom(() -> 0.5);
            BatchResult b = client(s, p).send(three());
            assertEquals(3, s.seen.size(), "two refusals, then the answer");
            assertEquals(List.of(Duration.ofSeconds(3), Duration.ofMillis(100)), waits,
                    "Retry-After as sent, then jittered backoff of attempt 2 (ceiling 200 ms × 0.5)");
            assertEquals(1, b.accepted());
            assertEquals(s.seen.stream().map(StubServer.Seen::body).distinct().count(), 1, "the same body each time");
        }
    }

    @Test
    void whenThePolicyGivesUpTheCallerLearnsItWasNotDelivered() throws IOException {
        try (StubServer s = new StubServer(r -> StubServer.Reply.problem(503, "ingestion_unavailable", Map.of()))) {
            DeliveryException e = assertThrows(DeliveryException.class,
                    () -> client(s, RetryPolicy.of(3, Duration.ofMillis(1), Duration.ofMillis(1))).send(three()));
            assertEquals(3, s.seen.size());
            assertEquals("ingestion_unavailable", ((AccrueApiException) e.getCause()).code());
        }
    }

    @Test
    void aConnectionFailureIsRetried() throws IOException {
        int closedPort;
        try (ServerSocket free = new ServerSocket(0)) {
            closedPort = free.getLocalPort();
        }
        AccrueClient c = AccrueClient.builder("http://127.0.0.1:" + closedPort).apiKey("k")
                .retryPolicy(RetryPolicy.of(4, Duration.ofMillis(10), Duration.ofMillis(40)).withRandom(() -> 0.5))
                .sleeper(waits::add).build();
        assertThrows(DeliveryException.class, () -> c.send(three()));
        assertEquals(List.of(Duration.ofMillis(5), Duration.ofMillis(10), Duration.ofMillis(20)), waits);
    }

    @Test
    void aRefusalOfTheWholeRequestIsNotRetried() throws IOException {
        try (StubServer s = new StubServer(r -> StubServer.Reply.problem(401, "unauthenticated", Map.of()))) {
            AccrueApiException e = assertThrows(AccrueApiException.class,
                    () -> client(s, RetryPolicy.defaults()).send(three()));
            assertEquals(401, e.status());
            assertEquals("unauthenticated", e.code());
            assertEquals(1, s.seen.size());
        }
    }

    @Test
    void quotaCheckAnswersOrRefusesWithReasonAndRetryAfter() throws IOException {
        try (StubServer s = new StubServer(r -> {
            if (r.uri().contains("endUserId=blocked")) {
                return StubServer.Reply.problem(403, "end_user_blocked", Map.of());
            }
            if (r.uri().contains("endUserId=heavy")) {
                return StubServer.Reply.problem(429, "quota_exceeded", Map.of("Retry-After", "120"));
            }
            return StubServer.Reply.json(200, """
                    {"allowed":true,"flagged":false,"endUserId":"u 1","plan":"default","enforcement":"block",
                     "remaining":{"dailyTokens":900},"resetsAt":"2026-12-03T00:00:00Z"}""");
        })) {
            AccrueClient c = client(s, RetryPolicy.defaults());
            QuotaAnswer ok = c.checkQuota("u 1", "gpt-4o", 100);
            assertTrue(ok.allowed());
            assertEquals(900L, ok.remaining().dailyTokens());
            assertEquals("/v1/quota/check?endUserId=u+1&estimatedTokens=100&model=gpt-4o", s.seen.peek().uri());

            QuotaRefusedException heavy = assertThrows(QuotaRefusedException.class,
                    () -> c.checkQuota("heavy", null, 0));
            assertEquals("quota_exceeded", heavy.reason());
            assertEquals(Duration.ofSeconds(120), heavy.retryAfter().orElseThrow());
            QuotaRefusedException blocked = assertThrows(QuotaRefusedException.class,
                    () -> c.checkQuota("blocked", null, 0));
            assertEquals("end_user_blocked", blocked.reason());
            assertTrue(blocked.retryAfter().isEmpty());
            assertEquals(3, s.seen.size(), "a quota 429 is an answer, not retried");
            assertTrue(waits.isEmpty());
        }
    }

    @Test
    void reserveSettleRelease() throws IOException {
        UUID id = UUID.fromString("0b7c2a8e-2c3e-4f2a-9a51-0d9a3f6c1e22");
        try (StubServer s = new StubServer(r -> switch (r.method()) {
            case "POST" -> r.uri().equals("/v1/quota/reservations")
                    ? StubServer.Reply.json(201, "{\"id\":\"" + id + "\",\"endUserId\":\"u1\",\"tokens\":500,"
                            + "\"status\":\"open\",\"expiresAt\":\"2026-12-02T15:00:00Z\"}")
                    : StubServer.Reply.json(200, "{\"accepted\":1,\"duplicates\":0,\"rejected\":0,\"results\":"
                            + "[{\"index\":0,\"eventId\":\"e9\",\"status\":\"accepted\"}]}");
            case "DELETE" -> StubServer.Reply.json(200, "{\"id\":\"" + id + "\",\"endUserId\":\"u1\",\"tokens\":500,"
                    + "\"status\":\"released\"}");
            default -> StubServer.Reply.problem(405, "bad_request", Map.of());
        })) {
            AccrueClient c = client(s, RetryPolicy.defaults());
            Reservation r = c.reserve("u1", "gpt-4o", 500, Duration.ofSeconds(60));
            assertEquals(id, r.id());
            assertEquals("open", r.status());
            assertEquals("{\"endUserId\":\"u1\",\"model\":\"gpt-4o\",\"estimatedTokens\":500,\"ttlSeconds\":60}",
                    s.seen.poll().body());
            EventResult settled = c.settle(r, UsageEvent.builder("e9", "u1", "gpt-4o").inputTokens(400).build());
            assertEquals(EventResult.Status.ACCEPTED, settled.status());
            assertTrue(s.seen.poll().body().contains("\"reservationId\":\"" + id + "\""));
            assertEquals("released", c.release(id).status());
            assertEquals("/v1/quota/reservations/" + id, s.seen.poll().uri());
        }
    }

    @Test
    void theTokenSupplierIsAskedOnEveryRequest() throws IOException {
        AtomicInteger n = new AtomicInteger();
        try (StubServer s = new StubServer(r -> StubServer.Reply.json(200, BATCH_OK))) {
            AccrueClient c = AccrueClient.builder(s.url()).tokenSupplier(() -> "t" + n.incrementAndGet()).build();
            c.send(three());
            c.send(three());
            assertEquals(List.of("Bearer t1", "Bearer t2"),
                    s.seen.stream().map(StubServer.Seen::authorization).toList());
        }
    }
}
