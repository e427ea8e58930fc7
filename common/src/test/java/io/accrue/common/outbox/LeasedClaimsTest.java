package io.accrue.common.outbox;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import io.accrue.common.outbox.LeasedClaims.Claim;
import io.accrue.common.retry.Backoff;
import io.accrue.testing.PostgresResource;

/** The claim loop against a real PostgreSQL: races, expired leases and a crash between claim and done. */
class LeasedClaimsTest {

    static final Instant T0 = Instant.parse("2026-03-01T00:00:00Z");
    static final LeasedClaims QUEUE = new LeasedClaims("work_rows", "id", "status = 'pending'", "next_attempt_at, id",
            Duration.ofMinutes(5), new Backoff(Duration.ofSeconds(30), Duration.ofHours(1)));

    static String url;

    @BeforeAll
    static void database() {
        PostgresResource pg = new PostgresResource();
        pg.init(Map.of("database", "common_claims"));
        url = pg.start().get("quarkus.datasource.jdbc.url");
    }

    @BeforeEach
    void table() throws SQLException {
        sql("DROP TABLE IF EXISTS work_rows; CREATE TABLE work_rows (id uuid PRIMARY KEY, status text NOT NULL,"
                + " attempts integer NOT NULL DEFAULT 0, next_attempt_at timestamptz NOT NULL)");
    }

    @AfterEach
    void drop() throws SQLException {
        sql("DROP TABLE IF EXISTS work_rows");
    }

    @Test
    void twoClaimersNeverGetTheSameRow() throws Exception {
        for (int i = 0; i < 200; i++) {
            insert(UUID.randomUUID(), T0);
        }
        ExecutorService pool = Executors.newFixedThreadPool(4);
        CountDownLatch start = new CountDownLatch(1);
        List<Future<List<UUID>>> workers = new ArrayList<>();
        for (int w = 0; w < 4; w++) {
            workers.add(pool.submit(() -> {
                start.await();
                List<UUID> mine = new ArrayList<>();
                try (Connection c = connect()) {
                    List<Claim<UUID>> got;
                    // one row per claim, like the services: the widest window for two claimers to meet
                    while (!(got = QUEUE.claim(c, UUID.class, T0, 1)).isEmpty()) {
                        mine.add(got.get(0).id());
                    }
                }
                return mine;
            }));
        }
        start.countDown();
        List<UUID> all = new ArrayList<>();
        for (Future<List<UUID>> w : workers) {
            all.addAll(w.get(60, TimeUnit.SECONDS));
        }
        pool.shutdown();
        assertEquals(200, all.size());
        assertEquals(200, new HashSet<>(all).size(), "a row was claimed twice");
        assertEquals(200, count("attempts = 1"));
    }

    @Test
    void aLockedRowIsSkippedNotWaitedFor() throws Exception {
        UUID busy = UUID.randomUUID();
        UUID free = UUID.randomUUID();
        insert(busy, T0.minusSeconds(1));
        insert(free, T0);
        try (Connection holder = connect()) {
            holder.setAutoCommit(false);
            try (Statement s = holder.createStatement()) {
                s.execute("SELECT 1 FROM work_rows WHERE id = '" + busy + "' FOR UPDATE");
            }
            try (Connection c = connect()) {
                assertEquals(List.of(free), ids(QUEUE.claim(c, UUID.class, T0, 10)));
            }
            holder.rollback();
        }
    }

    /**
     * The race of issue 19: the claimed row's worker locks it while another connection holds it for a moment (as a
     * concurrent claim scan does). It must wait and then work it; skipping it (SKIP LOCKED, as three senders once
     * did) would leave the counted attempt unworked until the lease ends.
     */
    @Test
    void theWorkerWaitsForAMomentaryLockOnItsClaimedRowThenWorksIt() throws Exception {
        UUID id = UUID.randomUUID();
        insert(id, T0);
        assertEquals(List.of(id), ids(QUEUE.claim(connect(), UUID.class, T0, 1)));
        assertEquals(true, lockWhileHeld(id, false));
    }

    /** A worker whose lease ran out still holds the row and finishes it: the new claimant waits, then leaves it. */
    @Test
    void aRowFinishedByTheWorkerWhoseLeaseRanOutIsNotWorkedAgain() throws Exception {
        UUID id = UUID.randomUUID();
        insert(id, T0);
        assertEquals(false, lockWhileHeld(id, true));
    }

    /**
     * Holds the row's lock on one connection, has {@code lockClaimed} wait for it on another (seen waiting in
     * pg_stat_activity), then ends the holder's transaction (marking the row done first if asked).
     */
    private static boolean lockWhileHeld(UUID id, boolean holderFinishesIt) throws Exception {
        ExecutorService pool = Executors.newSingleThreadExecutor();
        try (Connection holder = connect()) {
            holder.setAutoCommit(false);
            try (Statement s = holder.createStatement()) {
                s.execute("SELECT 1 FROM work_rows WHERE id = '" + id + "' FOR UPDATE");
            }
            Future<Boolean> locked = pool.submit(() -> {
                try (Connection c = connect()) {
                    c.setAutoCommit(false);
                    c.createStatement().execute("SET application_name = 'lock_claimed_test'");
                    boolean open = QUEUE.lockClaimed(c, id, "status = ?", "pending");
                    c.commit();
                    return open;
                }
            });
            org.awaitility.Awaitility.await("lockClaimed waiting for the held row").atMost(Duration.ofSeconds(30))
                    .until(() -> count("true AND EXISTS (SELECT 1 FROM pg_stat_activity WHERE application_name ="
                            + " 'lock_claimed_test' AND wait_event_type = 'Lock')") > 0 || locked.isDone());
            assertEquals(false, locked.isDone(), "lockClaimed must wait for the held lock, not skip the row");
            if (holderFinishesIt) {
                try (Statement s = holder.createStatement()) {
                    s.execute("UPDATE work_rows SET status = 'done' WHERE id = '" + id + "'");
                }
            }
            holder.commit();
            return locked.get(30, TimeUnit.SECONDS);
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void aLeaseHoldsUntilItEndsThenTheRowIsClaimedAgain() throws SQLException {
        UUID id = UUID.randomUUID();
        insert(id, T0);
        try (Connection c = connect()) {
            assertEquals(List.of(new Claim<>(id, 1)), QUEUE.claim(c, UUID.class, T0, 1));
            // leased: nobody else gets it, not even a second before the lease ends
            assertEquals(List.of(), QUEUE.claim(c, UUID.class, T0.plus(Duration.ofMinutes(5)).minusSeconds(1), 1));
            // the worker never said done (it crashed between claim and done): the row comes back, as attempt 2
            assertEquals(List.of(new Claim<>(id, 2)), QUEUE.claim(c, UUID.class, T0.plus(Duration.ofMinutes(5)), 1));
        }
    }

    @Test
    void aCrashBetweenClaimAndDoneRedeliversAndDoneEndsIt() throws SQLException {
        UUID id = UUID.randomUUID();
        insert(id, T0);
        List<UUID> delivered = Collections.synchronizedList(new ArrayList<>());
        try (Connection c = connect()) {
            Claim<UUID> first = QUEUE.claim(c, UUID.class, T0, 1).get(0);
            delivered.add(first.id()); // delivered, then the worker dies before it records "done"
            Instant afterLease = T0.plus(QUEUE.lease());
            Claim<UUID> again = QUEUE.claim(c, UUID.class, afterLease, 1).get(0);
            delivered.add(again.id());
            sql("UPDATE work_rows SET status = 'delivered' WHERE id = '" + again.id() + "'");
            assertEquals(List.of(), QUEUE.claim(c, UUID.class, afterLease.plus(Duration.ofDays(1)), 1));
        }
        assertEquals(List.of(id, id), delivered);
    }

    @Test
    void aFailedAttemptWaitsTheBackoffAndOnlyDueRowsInOrderAreClaimed() throws SQLException {
        UUID later = UUID.randomUUID();
        UUID sooner = UUID.randomUUID();
        UUID notDue = UUID.randomUUID();
        insert(later, T0.minusSeconds(10));
        insert(sooner, T0.minusSeconds(20));
        insert(notDue, T0.plusSeconds(1));
        try (Connection c = connect()) {
            assertEquals(List.of(sooner), ids(QUEUE.claim(c, UUID.class, T0, 1)));
            Instant retry = QUEUE.retryAt(T0, 1);
            assertTrue(!retry.isBefore(T0.plusSeconds(15)) && !retry.isAfter(T0.plusSeconds(30)), retry.toString());
            sql("UPDATE work_rows SET next_attempt_at = '" + retry + "' WHERE id = '" + sooner + "'");
            assertEquals(List.of(later), ids(QUEUE.claim(c, UUID.class, T0, 5)));
            assertEquals(Set.of(sooner, notDue), Set.copyOf(ids(QUEUE.claim(c, UUID.class, retry, 5))));
        }
    }

    @Test
    void theDueConditionTakesParameters() throws SQLException {
        LeasedClaims capped = new LeasedClaims("work_rows", "id", "status = 'pending' AND attempts < ?", "id",
                Duration.ofSeconds(1), Backoff.DELIVERY);
        UUID id = UUID.randomUUID();
        insert(id, T0);
        try (Connection c = connect()) {
            assertEquals(1, capped.claim(c, UUID.class, T0, 1, 2).size());
            assertEquals(1, capped.claim(c, UUID.class, T0.plusSeconds(1), 1, 2).size());
            assertEquals(0, capped.claim(c, UUID.class, T0.plusSeconds(2), 1, 2).size(), "out of attempts");
        }
    }

    private static List<UUID> ids(List<Claim<UUID>> claims) {
        return claims.stream().map(Claim::id).toList();
    }

    private static Connection connect() throws SQLException {
        return DriverManager.getConnection(url, "postgres", "postgres");
    }

    private static void insert(UUID id, Instant due) throws SQLException {
        sql("INSERT INTO work_rows (id, status, next_attempt_at) VALUES ('" + id + "', 'pending', '" + due + "')");
    }

    private static void sql(String sql) throws SQLException {
        try (Connection c = connect(); Statement s = c.createStatement()) {
            s.execute(sql);
        }
    }

    private static long count(String where) throws SQLException {
        try (Connection c = connect();
                Statement s = c.createStatement();
                ResultSet rs = s.executeQuery("SELECT count(*) FROM work_rows WHERE " + where)) {
            rs.next();
            return rs.getLong(1);
        }
    }
}
