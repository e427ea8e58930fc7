package io.accrue.usage.ingest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The combining and the failure isolation of {@link GroupCommit}, with a writer that records its calls. */
class GroupCommitTest {

    private final ExecutorService pool = Executors.newFixedThreadPool(8);

    @AfterEach
    void stop() {
        pool.shutdownNow();
    }

    /** Answers each event as accepted; the first call blocks until released, so the others queue behind it. */
    static class RecordingWriter extends IngestWriter {
        final List<List<String>> calls = new CopyOnWriteArrayList<>();
        final CountDownLatch release = new CountDownLatch(1);
        volatile String poison;

        RecordingWriter() {
            super(null);
        }

        @Override
        public List<List<EventResult>> write(List<PricedBatch> batches) {
            calls.add(batches.stream().map(PricedBatch::org).toList());
            if (calls.size() == 1) {
                try {
                    release.await(10, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    throw new IllegalStateException(e);
                }
            }
            if (batches.stream().anyMatch(b -> b.org().equals(poison))) {
                throw new IllegalStateException("cannot write " + poison);
            }
            List<List<EventResult>> out = new ArrayList<>();
            for (PricedBatch b : batches) {
                out.add(List.of(new EventResult(0, b.org(), EventResult.ACCEPTED, null, null, null, null, null,
                        null, null, null)));
            }
            return out;
        }
    }

    private static PricedBatch batch(String org) {
        return new PricedBatch(org, "live", Instant.EPOCH, List.of());
    }

    @Test
    void requestsArrivingDuringAWriteAreWrittenTogetherAndEachGetsItsOwnAnswer() throws Exception {
        RecordingWriter writer = new RecordingWriter();
        GroupCommit commit = new GroupCommit(writer, 1);
        Future<List<EventResult>> first = pool.submit(() -> commit.write(batch("first")));
        org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(10)).until(() -> !writer.calls.isEmpty());
        List<Future<List<EventResult>>> others = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            String org = "o" + i;
            others.add(pool.submit(() -> commit.write(batch(org))));
        }
        // they queue behind the blocked first write
        org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(10)).until(() -> commit.queued() == 5);
        writer.release.countDown();
        assertEquals("first", first.get(10, TimeUnit.SECONDS).get(0).eventId());
        for (int i = 0; i < 5; i++) {
            assertEquals("o" + i, others.get(i).get(10, TimeUnit.SECONDS).get(0).eventId());
        }
        assertEquals(2, writer.calls.size(), "the five waiting requests form one group: " + writer.calls);
        assertEquals(5, writer.calls.get(1).size());
    }

    @Test
    void whenAGroupFailsEachRequestIsRetriedAloneAndOnlyTheBadOneFails() throws Exception {
        RecordingWriter writer = new RecordingWriter();
        writer.poison = "bad";
        GroupCommit commit = new GroupCommit(writer, 1);
        Future<List<EventResult>> first = pool.submit(() -> commit.write(batch("first")));
        org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(10)).until(() -> !writer.calls.isEmpty());
        Future<List<EventResult>> good = pool.submit(() -> commit.write(batch("good")));
        Future<List<EventResult>> bad = pool.submit(() -> commit.write(batch("bad")));
        Future<List<EventResult>> alsoGood = pool.submit(() -> commit.write(batch("also-good")));
        org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(10)).until(() -> commit.queued() == 3);
        writer.release.countDown();
        first.get(10, TimeUnit.SECONDS);
        assertEquals("good", good.get(10, TimeUnit.SECONDS).get(0).eventId());
        assertEquals("also-good", alsoGood.get(10, TimeUnit.SECONDS).get(0).eventId());
        var failure = assertThrows(java.util.concurrent.ExecutionException.class, () -> bad.get(10, TimeUnit.SECONDS));
        assertTrue(failure.getCause().getMessage().contains("cannot write bad"), failure.getCause().toString());
        // first alone, then the group of three (failed), then each of the three alone
        assertEquals(5, writer.calls.size(), writer.calls.toString());
        assertEquals(3, writer.calls.get(1).size());
    }

    @Test
    void aGroupStopsAtTheEventCap() throws Exception {
        RecordingWriter writer = new RecordingWriter();
        GroupCommit commit = new GroupCommit(writer, 1);
        Future<List<EventResult>> first = pool.submit(() -> commit.write(batch("first")));
        org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(10)).until(() -> !writer.calls.isEmpty());
        List<RatedEvent> half = java.util.Collections.nCopies(GroupCommit.MAX_EVENTS / 2 + 1, null);
        List<Future<List<EventResult>>> big = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            String org = "big" + i;
            big.add(pool.submit(() -> commit.write(new PricedBatch(org, "live", Instant.EPOCH, half))));
        }
        org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(10)).until(() -> commit.queued() == 3);
        writer.release.countDown();
        first.get(10, TimeUnit.SECONDS);
        for (var f : big) {
            assertSame(EventResult.ACCEPTED, f.get(10, TimeUnit.SECONDS).get(0).status());
        }
        // Each of the three is more than half the cap: no two fit in one group.
        assertEquals(4, writer.calls.size(), writer.calls.toString());
    }

    @Test
    void withTwoWritersARequestIsWrittenWhileAnotherGroupIsStillInItsTransaction() throws Exception {
        RecordingWriter writer = new RecordingWriter();
        GroupCommit commit = new GroupCommit(writer, 2);
        Future<List<EventResult>> first = pool.submit(() -> commit.write(batch("first")));
        while (writer.calls.isEmpty()) {
            Thread.onSpinWait();
        }
        // the first group's transaction is held open by the writer; the second writer slot takes this one
        assertEquals("second", commit.write(batch("second")).get(0).eventId());
        assertTrue(!first.isDone(), "the first group is still being written");
        writer.release.countDown();
        assertEquals("first", first.get(10, TimeUnit.SECONDS).get(0).eventId());
        assertEquals(List.of(List.of("first"), List.of("second")), writer.calls);
    }

    @Test
    void atLeastOneWriter() {
        assertThrows(IllegalArgumentException.class, () -> new GroupCommit(new RecordingWriter(), 0));
    }
}
