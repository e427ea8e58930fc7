package io.accrue.client;

import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.DoubleSupplier;

/**
 * When to try a request again: capped exponential backoff with full jitter (a random wait between 0 and
 * {@code min(maxDelay, baseDelay * 2^(attempt-1))}, so many gateways retrying after one outage spread out instead of
 * arriving together), and a server's {@code Retry-After} honoured as the wait (never less; capped at
 * {@code maxRetryAfter} so a misconfigured server cannot park a caller for hours).
 */
public final class RetryPolicy {

    private final int maxAttempts;
    private final Duration baseDelay;
    private final Duration maxDelay;
    private final Duration maxRetryAfter;
    private final DoubleSupplier random;

    private RetryPolicy(int maxAttempts, Duration baseDelay, Duration maxDelay, Duration maxRetryAfter,
            DoubleSupplier random) {
        if (maxAttempts < 1) {
            throw new IllegalArgumentException("maxAttempts must be at least 1");
        }
        this.maxAttempts = maxAttempts;
        this.baseDelay = Objects.requireNonNull(baseDelay);
        this.maxDelay = Objects.requireNonNull(maxDelay);
        this.maxRetryAfter = Objects.requireNonNull(maxRetryAfter);
        this.random = Objects.requireNonNull(random);
    }

    /** 6 attempts, 200 ms base, 10 s cap, Retry-After honoured up to 60 s. */
    public static RetryPolicy defaults() {
        return of(6, Duration.ofMillis(200), Duration.ofSeconds(10));
    }

    public static RetryPolicy of(int maxAttempts, Duration baseDelay, Duration maxDelay) {
        return new RetryPolicy(maxAttempts, baseDelay, maxDelay, Duration.ofSeconds(60),
                () -> ThreadLocalRandom.current().nextDouble());
    }

    /** No retry at all: one attempt. */
    public static RetryPolicy none() {
        return of(1, Duration.ZERO, Duration.ZERO);
    }

    public RetryPolicy withMaxRetryAfter(Duration cap) {
        return new RetryPolicy(maxAttempts, baseDelay, maxDelay, cap, random);
    }

    /** The source of jitter in [0, 1); tests pass a fixed one. */
    public RetryPolicy withRandom(DoubleSupplier source) {
        return new RetryPolicy(maxAttempts, baseDelay, maxDelay, maxRetryAfter, source);
    }

    public int maxAttempts() {
        return maxAttempts;
    }

    /** Whether attempt number {@code attempt} (1-based, just failed) may be followed by another. */
    public boolean mayRetry(int attempt) {
        return attempt < maxAttempts;
    }

    /**
     * The wait after failed attempt {@code attempt} (1-based). {@code retryAfter} is the server's Retry-After, or
     * null when it sent none.
     */
    public Duration delay(int attempt, Duration retryAfter) {
        if (retryAfter != null) {
            return retryAfter.compareTo(maxRetryAfter) > 0 ? maxRetryAfter : retryAfter;
        }
        // in double: 2^attempt of a long would overflow long before the cap matters
        double exponential = baseDelay.toMillis() * Math.pow(2, Math.max(0, attempt - 1));
        long ceiling = (long) Math.min(maxDelay.toMillis(), exponential);
        return Duration.ofMillis((long) Math.floor(random.getAsDouble() * ceiling));
    }
}
