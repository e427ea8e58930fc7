package io.accrue.common.outbox;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Consumer;
import java.util.function.Supplier;

import javax.sql.DataSource;

import io.accrue.common.retry.Backoff;

/**
 * The one claim loop of the suite's outboxes and jobs. A worker claims due rows with {@code FOR UPDATE SKIP LOCKED}
 * (two workers, threads or replicas, never get the same row) and, in the same statement, leases them: the row's
 * {@code next_attempt_at} moves to the end of the lease and its {@code attempts} count goes up by one. The claim
 * commits at once, so the work itself runs with no lock held; a worker that dies between the claim and its "done"
 * leaves the row to be claimed again once the lease ends (delivery is at least once, which is why every outbox
 * carries an idempotency key or an event id its receiver de-duplicates on). A failed attempt is rescheduled with
 * {@link #retryAt}, from the one {@link Backoff}. Counting the attempt at the claim, not at the end, also counts the
 * attempts that crashed the worker, so a row that kills its worker every time still runs out of attempts.
 * <p>
 * Each table keeps its own columns for what "due" and "done" mean; it needs {@code next_attempt_at} (timestamptz)
 * and {@code attempts} (integer). Plain JDBC so that every service (Hibernate or not) and a test without Quarkus
 * use the same statement.
 *
 * @param table the table (trusted constant, never input)
 * @param idColumn its key column
 * @param due the rest of the "due" condition beside {@code next_attempt_at <= now}, e.g. {@code status = 'pending'}
 * @param order the claim order, e.g. {@code next_attempt_at}
 * @param lease how long a claimed row is left to its worker before another worker may claim it again
 * @param backoff the wait after a failed attempt
 */
public record LeasedClaims(String table, String idColumn, String due, String order, Duration lease, Backoff backoff) {

    /** One claimed row: its key and the number of this attempt (1 for the first). */
    public record Claim<K>(K id, int attempt) {}

    public LeasedClaims {
        Objects.requireNonNull(table);
        Objects.requireNonNull(idColumn);
        Objects.requireNonNull(due);
        Objects.requireNonNull(order);
        Objects.requireNonNull(backoff);
        if (lease.isNegative() || lease.isZero()) {
            throw new IllegalArgumentException("a lease must be positive, got " + lease);
        }
    }

    /**
     * Claims up to {@code max} due rows on the given connection (committed with it) and returns them, the first
     * {@code max} in {@link #order} (RETURNING keeps no order: claim one at a time where order matters).
     * {@code extra} binds the {@code ?} parameters of {@link #due}, in order.
     */
    public <K> List<Claim<K>> claim(Connection c, Class<K> idType, Instant now, int max, Object... extra)
            throws SQLException {
        String sql = "UPDATE " + table + " SET next_attempt_at = ?, attempts = attempts + 1 WHERE " + idColumn
                + " IN (SELECT " + idColumn + " FROM " + table + " WHERE (" + due + ") AND next_attempt_at <= ? "
                + "ORDER BY " + order + " LIMIT ? FOR UPDATE SKIP LOCKED) RETURNING " + idColumn + ", attempts";
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            int p = 1;
            ps.setTimestamp(p++, Timestamp.from(now.plus(lease)));
            for (Object value : extra) {
                ps.setObject(p++, value instanceof Instant i ? Timestamp.from(i) : value);
            }
            ps.setTimestamp(p++, Timestamp.from(now));
            ps.setInt(p, max);
            List<Claim<K>> claimed = new ArrayList<>();
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    claimed.add(new Claim<>(rs.getObject(1, idType), rs.getInt(2)));
                }
            }
            return claimed;
        }
    }

    /**
     * The loop of a one-at-a-time outbox: claims the next due row (each claim its own transaction) and hands it to
     * {@code work}, until none is due or {@code max} ran; answers how many ran.
     */
    public static <K> int eachClaimed(int max, Supplier<Optional<Claim<K>>> claimNext, Consumer<Claim<K>> work) {
        int ran = 0;
        for (; ran < max; ran++) {
            Optional<Claim<K>> claim = claimNext.get();
            if (claim.isEmpty()) {
                break;
            }
            work.accept(claim.get());
        }
        return ran;
    }

    /** The next due row, claimed on the connection: the head of every loop that delivers one row at a time. */
    public <K> Optional<Claim<K>> claimOne(Connection c, Class<K> idType, Instant now, Object... extra)
            throws SQLException {
        return claim(c, idType, now, 1, extra).stream().findFirst();
    }

    /**
     * The same on a connection of the data source: outside a transaction it autocommits, so the lease holds at once;
     * inside one (Agroal enlists the connection) it commits with it, so call it in a transaction of its own.
     */
    public <K> List<Claim<K>> claim(DataSource dataSource, Class<K> idType, Instant now, int max, Object... extra) {
        try (Connection c = dataSource.getConnection()) {
            return claim(c, idType, now, max, extra);
        } catch (SQLException e) {
            throw new IllegalStateException("claiming from " + table + " failed", e);
        }
    }

    /**
     * Row-locks a claimed row for the transaction that works it, if {@code stillOpen} (e.g. {@code status = ?}) still
     * holds; answers whether it does. A worker whose lease ran out and that is still working the row holds its lock,
     * so the row never runs twice at once: this waits for that worker and then sees the row done (false). It waits
     * rather than skipping a locked row: another worker's claim statement can hold the row for a moment (PostgreSQL
     * keeps a {@code FOR UPDATE SKIP LOCKED} scan's lock on a row its recheck then filtered out), and skipping would
     * leave this claim's attempt counted and the row waiting out its lease. {@code extra} binds the {@code ?} of
     * {@code stillOpen}.
     */
    public boolean lockClaimed(Connection c, Object id, String stillOpen, Object... extra) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT 1 FROM " + table + " WHERE " + idColumn + " = ? AND ("
                + stillOpen + ") FOR UPDATE")) {
            ps.setObject(1, id);
            int p = 2;
            for (Object value : extra) {
                ps.setObject(p++, value instanceof Instant i ? Timestamp.from(i) : value);
            }
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next();
            }
        }
    }

    /** When a row whose given attempt failed is due again. */
    public Instant retryAt(Instant now, int failedAttempt) {
        return now.plus(backoff.after(failedAttempt));
    }
}
