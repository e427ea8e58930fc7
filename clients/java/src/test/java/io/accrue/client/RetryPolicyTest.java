package io.accrue.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.Optional;

import org.junit.jupiter.api.Test;

class RetryPolicyTest {

    @Test
    void theCeilingDoublesFromTheBaseUpToTheCap() {
        RetryPolicy top = RetryPolicy.of(20, Duration.ofMillis(100), Duration.ofMillis(1000))
                .withRandom(() -> 0.999999);
        // with the jitter at (almost) 1 the wait is (almost) the ceiling: 100, 200, 400, 800, then the 1,000 cap
        long[] expected = {99, 199, 399, 799, 999, 999, 999};
        for (int attempt = 1; attempt <= expected.length; attempt++) {
            assertEquals(expected[attempt - 1], top.delay(attempt, null).toMillis(), "attempt " + attempt);
        }
        assertEquals(999, top.delay(1_000, null).toMillis(), "a huge attempt number stays at the cap");
    }

    @Test
    void fullJitterSpreadsWaitsFromZeroToTheCeiling() {
        RetryPolicy zero = RetryPolicy.of(5, Duration.ofMillis(100), Duration.ofSeconds(1)).withRandom(() -> 0.0);
        assertEquals(0, zero.delay(4, null).toMillis());
        RetryPolicy half = RetryPolicy.of(5, Duration.ofMillis(100), Duration.ofSeconds(1)).withRandom(() -> 0.5);
        assertEquals(400, half.delay(4, null).toMillis());
        RetryPolicy real = RetryPolicy.of(5, Duration.ofMillis(100), Duration.ofSeconds(1));
        for (int i = 0; i < 1000; i++) {
            long d = real.delay(3, null).toMillis();
            assertTrue(d >= 0 && d < 400, "within [0, 400): " + d);
        }
    }

    @Test
    void retryAfterIsTheWaitUpToItsCap() {
        RetryPolicy p = RetryPolicy.of(5, Duration.ofMillis(100), Duration.ofSeconds(1))
                .withMaxRetryAfter(Duration.ofSeconds(30)).withRandom(() -> 0.0);
        assertEquals(Duration.ofSeconds(7), p.delay(1, Duration.ofSeconds(7)), "longer than the backoff cap: honoured");
        assertEquals(Duration.ofSeconds(30), p.delay(1, Duration.ofHours(1)));
    }

    @Test
    void attemptsAreCounted() {
        RetryPolicy p = RetryPolicy.of(3, Duration.ZERO, Duration.ZERO);
        assertTrue(p.mayRetry(1));
        assertTrue(p.mayRetry(2));
        assertFalse(p.mayRetry(3));
        assertFalse(RetryPolicy.none().mayRetry(1));
    }

    @Test
    void retryAfterReadsSecondsAndHttpDates() {
        assertEquals(Optional.of(Duration.ofSeconds(12)), AccrueClient.retryAfter(Optional.of("12")));
        assertEquals(Optional.of(Duration.ZERO), AccrueClient.retryAfter(Optional.of("Wed, 21 Oct 2015 07:28:00 GMT")));
        assertEquals(Optional.empty(), AccrueClient.retryAfter(Optional.of("soon")));
        assertEquals(Optional.empty(), AccrueClient.retryAfter(Optional.empty()));
    }
}
