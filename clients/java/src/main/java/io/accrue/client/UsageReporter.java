package io.accrue.client;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * Background batching for a gateway's hot path: {@link #report} only enqueues (never blocks on the network) and
 * answers a future of the event's {@link EventResult}. One worker thread sends a batch when {@code maxBatch} events
 * are waiting or the oldest has waited {@code maxAge}, through {@link AccrueClient#send} (which retries 429/503/I/O
 * per its policy). When the policy gives up, the batch's events complete {@code not_delivered}; a full buffer
 * completes the new event {@code buffer_full} at once, so the caller decides (log, spool to disk, drop) instead of
 * the gateway running out of memory. {@link #close()} stops taking events and flushes what is buffered.
 */
public final class UsageReporter implements AutoCloseable {

    private record Pending(UsageEvent event, CompletableFuture<EventResult> result) {}

    private static final long SLICE_NANOS = TimeUnit.MILLISECONDS.toNanos(50);

    private final AccrueClient client;
    private final int maxBatch;
    private final Duration maxAge;
    private final BlockingQueue<Pending> buffer;
    private final Consumer<EventResult> listener;
    private final Thread worker;
    private final Object admission = new Object();
    private volatile boolean closed;

    private UsageReporter(Builder b) {
        this.client = b.client;
        this.maxBatch = b.maxBatch;
        this.maxAge = b.maxAge;
        this.buffer = new ArrayBlockingQueue<>(b.capacity);
        this.listener = b.listener;
        this.worker = new Thread(this::run, "accrue-usage-reporter");
        worker.setDaemon(true);
        worker.start();
    }

    public static Builder builder(AccrueClient client) {
        return new Builder(client);
    }

    /** Enqueues one event; the future completes once the server answered for it (or the client gave up). */
    public CompletableFuture<EventResult> report(UsageEvent event) {
        Objects.requireNonNull(event);
        CompletableFuture<EventResult> f = new CompletableFuture<>();
        boolean taken;
        // under the lock close() takes: an event is either buffered before closing (and flushed) or refused
        synchronized (admission) {
            if (closed) {
                return complete(f, EventResult.local(0, event.eventId(), EventResult.Status.NOT_DELIVERED,
                        "reporter_closed", "report() after close()"));
            }
            taken = buffer.offer(new Pending(event, f));
        }
        if (!taken) {
            return complete(f, EventResult.local(0, event.eventId(), EventResult.Status.BUFFER_FULL, "buffer_full",
                    "the reporter's buffer of " + (buffer.size() + buffer.remainingCapacity()) + " events is full"));
        }
        return f;
    }

    /** Events waiting to be sent. */
    public int buffered() {
        return buffer.size();
    }

    private CompletableFuture<EventResult> complete(CompletableFuture<EventResult> f, EventResult r) {
        notifyListener(r);
        f.complete(r);
        return f;
    }

    private void run() {
        List<Pending> batch = new ArrayList<>(maxBatch);
        while (!closed || !buffer.isEmpty()) {
            try {
                Pending first = buffer.poll(100, TimeUnit.MILLISECONDS);
                if (first == null) {
                    continue;
                }
                batch.add(first);
                long deadline = System.nanoTime() + maxAge.toNanos();
                while (batch.size() < maxBatch) {
                    long left = deadline - System.nanoTime();
                    // waits in slices so that close() sends what is gathered now instead of after maxAge
                    Pending next = closed || left <= 0
                            ? buffer.poll()
                            : buffer.poll(Math.min(left, SLICE_NANOS), TimeUnit.NANOSECONDS);
                    if (next != null) {
                        batch.add(next);
                    } else if (closed || System.nanoTime() >= deadline) {
                        break;
                    }
                }
                deliver(batch);
            } catch (InterruptedException e) {
                closed = true; // interrupted by close(timeout): the gathered events are not delivered
                failAll(batch, EventResult.Status.NOT_DELIVERED, "reporter_closed", "close() timed out");
            } finally {
                batch.clear();
            }
        }
    }

    private void deliver(List<Pending> batch) {
        List<UsageEvent> events = new ArrayList<>(batch.size());
        for (Pending p : batch) {
            events.add(p.event);
        }
        try {
            List<EventResult> results = client.send(events).results();
            for (int i = 0; i < batch.size(); i++) {
                complete(batch.get(i).result, results.get(i));
            }
        } catch (DeliveryException e) {
            failAll(batch, EventResult.Status.NOT_DELIVERED, "not_delivered", e.getMessage());
        } catch (AccrueApiException e) {
            // the whole request was refused (401, a malformed body…): nothing stored, nothing to retry
            failAll(batch, EventResult.Status.NOT_DELIVERED, e.code(), e.getMessage());
        } catch (RuntimeException e) {
            failAll(batch, EventResult.Status.NOT_DELIVERED, "client_error", String.valueOf(e));
        }
    }

    private void failAll(List<Pending> batch, EventResult.Status status, String code, String reason) {
        for (int i = 0; i < batch.size(); i++) {
            complete(batch.get(i).result, EventResult.local(i, batch.get(i).event.eventId(), status, code, reason));
        }
    }

    private void notifyListener(EventResult r) {
        try {
            listener.accept(r);
        } catch (RuntimeException ignored) {
            // a failing listener must not stop delivery of the other events
        }
    }

    /** Stops taking events and flushes the buffer, waiting up to 30 s. */
    @Override
    public void close() {
        close(Duration.ofSeconds(30));
    }

    /** Stops taking events and flushes; after {@code timeout} what is still buffered completes not_delivered. */
    public void close(Duration timeout) {
        synchronized (admission) {
            closed = true;
        }
        try {
            worker.join(timeout.toMillis());
            if (worker.isAlive()) {
                worker.interrupt();
                worker.join(1000);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        Pending p;
        while ((p = buffer.poll()) != null) {
            complete(p.result, EventResult.local(0, p.event.eventId(), EventResult.Status.NOT_DELIVERED,
                    "reporter_closed", "still buffered when close() timed out"));
        }
    }

    public static final class Builder {
        private final AccrueClient client;
        private int maxBatch = 500;
        private Duration maxAge = Duration.ofSeconds(1);
        private int capacity = 10_000;
        private Consumer<EventResult> listener = r -> {
        };

        private Builder(AccrueClient client) {
            this.client = Objects.requireNonNull(client);
        }

        /** Events per request, 1–1,000 (the API's maximum). */
        public Builder maxBatch(int n) {
            if (n < 1 || n > 1000) {
                throw new IllegalArgumentException("maxBatch must be 1-1000");
            }
            this.maxBatch = n;
            return this;
        }

        /** The longest an event waits for its batch to fill. */
        public Builder maxAge(Duration d) {
            this.maxAge = Objects.requireNonNull(d);
            return this;
        }

        /** Events buffered at most; beyond, {@code report} answers {@code buffer_full}. */
        public Builder bufferCapacity(int n) {
            this.capacity = n;
            return this;
        }

        /** Called with every event's result (on the worker thread, or the caller's for buffer_full). */
        public Builder listener(Consumer<EventResult> l) {
            this.listener = Objects.requireNonNull(l);
            return this;
        }

        public UsageReporter build() {
            return new UsageReporter(this);
        }
    }
}
