package io.accrue.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;

class UsageReporterTest {

    static final Pattern ID = Pattern.compile("\"eventId\":\"([^\"]+)\"");

    /** Answers every event of a batch accepted, echoing its id, as usage-service does. */
    static StubServer.Reply acceptAll(StubServer.Seen r) {
        Matcher m = ID.matcher(r.body());
        StringBuilder results = new StringBuilder();
        int i = 0;
        while (m.find()) {
            results.append(i == 0 ? "" : ",").append("{\"index\":").append(i++).append(",\"eventId\":\"")
                    .append(m.group(1)).append("\",\"status\":\"accepted\"}");
        }
        return StubServer.Reply.json(200,
                "{\"accepted\":" + i + ",\"duplicates\":0,\"rejected\":0,\"results\":[" + results + "]}");
    }

    static UsageEvent event(int i) {
        return UsageEvent.builder("ev-" + i, "u1", "gpt-4o").inputTokens(i).build();
    }

    static AccrueClient client(StubServer s, RetryPolicy p) {
        return AccrueClient.builder(s.url()).apiKey("k").retryPolicy(p).build();
    }

    @Test
    void fullBatchesGoAtOnceAndTheRestWhenTheyAreOldEnough() throws Exception {
        try (StubServer s = new StubServer(UsageReporterTest::acceptAll)) {
            UsageReporter r = UsageReporter.builder(client(s, RetryPolicy.defaults())).maxBatch(10)
                    .maxAge(Duration.ofMillis(200)).build();
            List<CompletableFuture<EventResult>> f = new ArrayList<>();
            for (int i = 0; i < 25; i++) {
                f.add(r.report(event(i)));
            }
            for (int i = 0; i < 25; i++) {
                EventResult e = f.get(i).get(10, TimeUnit.SECONDS);
                assertEquals("ev-" + i, e.eventId());
                assertEquals(EventResult.Status.ACCEPTED, e.status());
            }
            List<Integer> sizes = s.seen.stream().map(x -> (int) ID.matcher(x.body()).results().count()).toList();
            assertEquals(25, sizes.stream().mapToInt(Integer::intValue).sum());
            assertTrue(sizes.stream().allMatch(n -> n <= 10), "never more than maxBatch: " + sizes);
            assertEquals(3, sizes.size(), "two full batches and the rest: " + sizes);
            r.close();
        }
    }

    @Test
    void aFullBufferAnswersBufferFullAtOnce() throws Exception {
        CountDownLatch hold = new CountDownLatch(1);
        try (StubServer s = new StubServer(x -> {
            try {
                hold.await(10, TimeUnit.SECONDS); // the server is slow: the buffer fills
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            return acceptAll(x);
        })) {
            List<EventResult> heard = new java.util.concurrent.CopyOnWriteArrayList<>();
            UsageReporter r = UsageReporter.builder(client(s, RetryPolicy.defaults())).maxBatch(1)
                    .maxAge(Duration.ZERO).bufferCapacity(3).listener(heard::add).build();
            List<CompletableFuture<EventResult>> f = new ArrayList<>();
            f.add(r.report(event(0)));
            // wait until the worker took event 0 and is stuck sending it
            org.awaitility.Awaitility.await("the worker sends event 0").atMost(Duration.ofSeconds(10))
                    .until(() -> !s.seen.isEmpty());
            for (int i = 1; i <= 4; i++) {
                f.add(r.report(event(i)));
            }
            EventResult overflow = f.get(4).getNow(null);
            assertEquals(EventResult.Status.BUFFER_FULL, overflow.status(), "4th buffered event with capacity 3");
            assertEquals("buffer_full", overflow.code());
            hold.countDown();
            r.close();
            for (int i = 0; i < 4; i++) {
                assertEquals(EventResult.Status.ACCEPTED, f.get(i).get(10, TimeUnit.SECONDS).status(), "event " + i);
            }
            assertEquals(5, heard.size(), "the listener hears every outcome");
        }
    }

    @Test
    void retryableFailuresAreResentThenReportedNotDelivered() throws Exception {
        AtomicInteger calls = new AtomicInteger();
        try (StubServer s = new StubServer(x -> calls.incrementAndGet() <= 2
                ? StubServer.Reply.problem(503, "ingestion_unavailable", Map.of())
                : acceptAll(x))) {
            UsageReporter ok = UsageReporter.builder(
                    client(s, RetryPolicy.of(3, Duration.ofMillis(1), Duration.ofMillis(5)))).maxBatch(5).build();
            assertEquals(EventResult.Status.ACCEPTED, ok.report(event(1)).get(10, TimeUnit.SECONDS).status(),
                    "two 503s, accepted on the third attempt");
            ok.close();
        }
        try (StubServer s = new StubServer(x -> StubServer.Reply.problem(503, "ingestion_unavailable", Map.of()))) {
            UsageReporter gives = UsageReporter.builder(
                    client(s, RetryPolicy.of(2, Duration.ofMillis(1), Duration.ofMillis(5)))).build();
            CompletableFuture<EventResult> a = gives.report(event(1));
            CompletableFuture<EventResult> b = gives.report(event(2));
            gives.close();
            assertEquals(EventResult.Status.NOT_DELIVERED, a.get(10, TimeUnit.SECONDS).status());
            assertEquals("ev-2", b.get(10, TimeUnit.SECONDS).eventId());
            assertEquals(EventResult.Status.NOT_DELIVERED, b.get().status());
            assertEquals(2, s.seen.size(), "one batch, tried twice");
        }
    }

    @Test
    void closeFlushesWhatIsBufferedWithoutWaitingForTheAge() throws Exception {
        try (StubServer s = new StubServer(UsageReporterTest::acceptAll)) {
            UsageReporter r = UsageReporter.builder(client(s, RetryPolicy.defaults())).maxBatch(1000)
                    .maxAge(Duration.ofHours(1)).build();
            List<CompletableFuture<EventResult>> f = new ArrayList<>();
            for (int i = 0; i < 7; i++) {
                f.add(r.report(event(i)));
            }
            long start = System.nanoTime();
            r.close();
            assertTrue(System.nanoTime() - start < TimeUnit.SECONDS.toNanos(10), "not the hour of maxAge");
            for (CompletableFuture<EventResult> e : f) {
                assertEquals(EventResult.Status.ACCEPTED, e.getNow(null).status());
            }
            assertEquals(EventResult.Status.NOT_DELIVERED, r.report(event(99)).getNow(null).status(),
                    "after close nothing is taken");
        }
    }
}
