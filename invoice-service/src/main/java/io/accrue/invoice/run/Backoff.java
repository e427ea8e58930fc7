package io.accrue.invoice.run;

import java.time.Duration;
import java.util.random.RandomGenerator;

/**
 * Capped, jittered backoff of an unbilled period's retries: the n-th failure waits {@code first × 2^(n−1)}, capped
 * at {@code max}, of which a random half is taken off ("equal jitter"), so accounts that failed together (a
 * neighbour outage) do not all come back in the same second. Pure but for the random source the caller passes.
 */
public final class Backoff {

    private Backoff() {
    }

    public static Duration after(int failures, Duration first, Duration max, RandomGenerator random) {
        Duration capped = ceiling(failures, first, max);
        long halfMillis = capped.toMillis() / 2;
        return Duration.ofMillis(capped.toMillis() - (halfMillis == 0 ? 0 : random.nextLong(halfMillis + 1)));
    }

    /** The delay before jitter: doubling from {@code first}, never above {@code max}. */
    static Duration ceiling(int failures, Duration first, Duration max) {
        int shift = Math.max(0, Math.min(failures - 1, 30));
        Duration d = first.multipliedBy(1L << shift);
        return d.compareTo(max) > 0 || d.isNegative() ? max : d;
    }
}
