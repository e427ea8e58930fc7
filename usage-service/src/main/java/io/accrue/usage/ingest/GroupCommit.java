package io.accrue.usage.ingest;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.locks.ReentrantLock;

import jakarta.enterprise.context.ApplicationScoped;

/**
 * Group commit for ingestion. Requests arriving while a write transaction runs queue up, and the next writer takes
 * all of them into one transaction (up to {@link #MAX_EVENTS}).
 *
 * <p>
 * Why: every batch moves the same few rollup and quota-counter rows (one per end user, model and window).
 * Written one transaction per request, concurrent requests queue on those row locks anyway, each one rewrites the
 * rows, and the dead row versions they leave behind are what slowed ingestion down (PostgreSQL cannot prune a
 * version while an older transaction still waits). Combined, a row is written once per group, and the
 * transactions of one replica never wait on each other's locks.
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
    private final ConcurrentLinkedQueue<Pending> queue = new ConcurrentLinkedQueue<>();
    /** Held by the one thread writing a group; the others wait here for their results or their turn. */
    private final ReentrantLock turn = new ReentrantLock();

    GroupCommit(IngestWriter writer) {
        this.writer = writer;
    }

    /** Which of these event ids the organisation's environment has recorded (a read, outside any group). */
    public java.util.Set<String> recorded(String org, String env, List<String> eventIds) {
        return writer.recorded(org, env, eventIds);
    }

    /** Writes the batch (alone or with others waiting at the same time) and answers for each of its events. */
    public List<EventResult> write(PricedBatch batch) {
        Pending mine = new Pending(batch);
        queue.add(mine);
        turn.lock();
        try {
            // Under the lock a request is either finished or still queued: whoever holds the lock drains.
            while (!mine.done) {
                writeQueued();
            }
        } finally {
            turn.unlock();
        }
        if (mine.failure != null) {
            throw mine.failure;
        }
        return mine.results;
    }

    private void writeQueued() {
        List<Pending> group = new ArrayList<>();
        int events = 0;
        for (Pending next = queue.peek(); next != null
                && (group.isEmpty() || events + next.batch.events().size() <= MAX_EVENTS); next = queue.peek()) {
            group.add(queue.poll());
            events += next.batch.events().size();
        }
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

    /** Fields are written and read under {@link #turn}, which also publishes them to the owning thread. */
    private static final class Pending {
        final PricedBatch batch;
        List<EventResult> results;
        RuntimeException failure;
        boolean done;

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
