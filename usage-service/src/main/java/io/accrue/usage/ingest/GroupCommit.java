package io.accrue.usage.ingest;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import io.accrue.usage.config.UsageConfig;

/**
 * Group commit for ingestion. Requests arriving while the write transactions run queue up, and the next writer takes
 * all of them into one transaction (up to {@link #MAX_EVENTS}). Up to {@code accrue.usage.ingest.writers} groups
 * are written at once (default 1; more lets PostgreSQL commit and fsync one group while the next one is written,
 * at the price of concurrent updates of the same rollup rows — see docs/benchmarks.md).
 *
 * <p>
 * Why: every batch moves the same few rollup and quota-counter rows (one per end user, model and window).
 * Written one transaction per request, concurrent requests queue on those row locks anyway, each one rewrites the
 * rows, and the dead row versions they leave behind are what slowed ingestion down (PostgreSQL cannot prune a
 * version while an older transaction still waits). Combined, a row is written once per group, and with a few writers
 * per replica only a few transactions ever wait on each other.
 *
 * <p>
 * Several writers, no deadlock: {@link IngestWriter} takes organisations, end users, events (by id), session claims,
 * rollup and counter rows and reservations each in one sorted order, so two transactions meeting on the same rows
 * wait for each other in the same order. Idempotency stays exact across writers: an id in two concurrent groups is
 * inserted by one; the other's {@code ON CONFLICT DO NOTHING} waits for that commit and reports a duplicate (or
 * inserts it if the first rolled back), and only inserted rows move rollups and counters.
 *
 * <p>
 * Nothing is weakened: a group is one transaction, so every event still moves its rollups and counters atomically
 * with its idempotency claim; an event id claimed by an earlier request of the group is a duplicate for the later
 * one, exactly as if they had run one after the other. If a combined transaction fails, each request of the
 * group is retried in a transaction of its own, so one request's failure never becomes another's.
 */
@ApplicationScoped
public class GroupCommit {

    /** A group never exceeds this many events, so a transaction and the row locks it holds stay short. */
    static final int MAX_EVENTS = 8_000;

    private final IngestWriter writer;
    private final int writers;
    /** Guards {@link #queue} and {@link #active}; {@link #changed} is signalled whenever a group finishes. */
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition changed = lock.newCondition();
    private final ArrayDeque<Pending> queue = new ArrayDeque<>();
    private int active;

    /** Requests waiting for a writer (tests wait on it instead of sleeping). */
    int queued() {
        lock.lock();
        try {
            return queue.size();
        } finally {
            lock.unlock();
        }
    }

    @Inject
    GroupCommit(IngestWriter writer, UsageConfig config) {
        this(writer, config.ingest().writers());
    }

    GroupCommit(IngestWriter writer, int writers) {
        if (writers < 1) {
            throw new IllegalArgumentException("accrue.usage.ingest.writers must be at least 1");
        }
        this.writer = writer;
        this.writers = writers;
    }

    /** Which of these event ids the organisation's environment has recorded (a read, outside any group). */
    public java.util.Set<String> recorded(String org, String env, List<String> eventIds) {
        return writer.recorded(org, env, eventIds);
    }

    /** Writes the batch (alone or with others waiting at the same time) and answers for each of its events. */
    public List<EventResult> write(PricedBatch batch) {
        Pending mine = new Pending(batch);
        lock.lock();
        try {
            queue.add(mine);
            // A request is queued, in a group some thread is writing, or done. Whoever finds a free writer slot
            // takes everything queued; the others wait for their group to finish or for a slot.
            while (!mine.done) {
                if (active < writers && !queue.isEmpty()) {
                    List<Pending> group = takeGroup();
                    active++;
                    lock.unlock();
                    try {
                        writeGroup(group);
                    } finally {
                        lock.lock();
                        active--;
                        changed.signalAll();
                    }
                } else {
                    changed.awaitUninterruptibly();
                }
            }
        } finally {
            lock.unlock();
        }
        if (mine.failure != null) {
            throw mine.failure;
        }
        return mine.results;
    }

    private List<Pending> takeGroup() {
        List<Pending> group = new ArrayList<>();
        int events = 0;
        for (Pending next = queue.peek(); next != null
                && (group.isEmpty() || events + next.batch.events().size() <= MAX_EVENTS); next = queue.peek()) {
            group.add(queue.poll());
            events += next.batch.events().size();
        }
        return group;
    }

    private void writeGroup(List<Pending> group) {
        try {
            List<List<EventResult>> results = writer.write(group.stream().map(p -> p.batch).toList());
            for (int i = 0; i < group.size(); i++) {
                group.get(i).succeed(results.get(i));
            }
        } catch (RuntimeException combined) {
            if (group.size() == 1) {
                group.get(0).fail(combined);
            } else {
                for (Pending p : group) {
                    try {
                        p.succeed(writer.write(List.of(p.batch)).get(0));
                    } catch (RuntimeException alone) {
                        p.fail(alone);
                    }
                }
            }
        } finally {
            for (Pending p : group) {
                if (!p.done) {
                    // Only an Error gets here; the owner must not wait for a write that will never come.
                    p.fail(new IllegalStateException("usage ingestion failed"));
                }
            }
        }
    }

    /**
     * Written by the thread writing its group, outside the lock; {@code done} is volatile and written last, so an
     * owner that sees it also sees the results or the failure.
     */
    private static final class Pending {
        final PricedBatch batch;
        List<EventResult> results;
        RuntimeException failure;
        volatile boolean done;

        Pending(PricedBatch batch) {
            this.batch = batch;
        }

        void succeed(List<EventResult> r) {
            results = r;
            done = true;
        }

        void fail(RuntimeException e) {
            failure = e;
            done = true;
        }
    }
}
