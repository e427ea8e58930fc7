package io.accrue.common.retry;

import java.time.Duration;
import java.util.concurrent.ThreadLocalRandom;
import java.util.random.RandomGenerator;

/**
 * The one retry policy of the suite (outboxes, webhook and Stripe-event processing, billing-run items, unbilled
 * periods): the n-th failure waits {@code first × 2^(n−1)}, never more than {@code max}, of which a random part up to
 * half is taken off ("equal jitter"), so work that failed together (a neighbour outage) does not all come back in the
 * same second. The cap is what keeps a long outage from pushing a retry hours past the recovery.
 */
public record Backoff(Duration first, Duration max) {

    /** Deliveries to Stripe, neighbours and tenants' endpoints: 30 s doubling, at most one hour. */
    public static final Backoff DELIVERY = new Backoff(Duration.ofSeconds(30), Duration.ofHours(1));

    public Backoff {
        if (first.isNegative() || first.isZero() || max.compareTo(first) < 0) {
            throw new IllegalArgumentException("backoff needs 0 < first <= max, got " + first + ", " + max);
        }
    }

    /** The wait after the given number of failures (1 for the first), jittered. */
    public Duration after(int failures) {
        return after(failures, ThreadLocalRandom.current());
    }

    public Duration after(int failures, RandomGenerator random) {
        Duration ceiling = ceiling(failures);
        long halfMillis = ceiling.toMillis() / 2;
        return Duration.ofMillis(ceiling.toMillis() - (halfMillis == 0 ? 0 : random.nextLong(halfMillis + 1)));
    }

    /** The wait before jitter: doubling from {@link #first}, never above {@link #max}. */
    public Duration ceiling(int failures) {
        int shift = Math.max(0, Math.min(failures - 1, 30));
        Duration d = first.multipliedBy(1L << shift);
        return d.compareTo(max) > 0 || d.isNegative() ? max : d;
    }
}
