package io.accrue.common.retry;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.Random;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class BackoffTest {

    private final Backoff ledger = new Backoff(Duration.ofMinutes(1), Duration.ofHours(1));

    @ParameterizedTest(name = "failure {0}: {1}")
    @CsvSource({"0, PT1M", "1, PT1M", "2, PT2M", "4, PT8M", "6, PT32M", "7, PT1H", "31, PT1H", "500, PT1H",
            "2147483647, PT1H"})
    void doublesFromTheFirstWaitAndIsCapped(int failures, Duration expected) {
        assertEquals(expected, ledger.ceiling(failures));
    }

    @Test
    void jitterTakesOffAtMostHalf() {
        Random random = new Random(7);
        boolean sawJitter = false;
        for (int failures = 1; failures < 40; failures++) {
            Duration ceiling = Backoff.DELIVERY.ceiling(failures);
            Duration d = Backoff.DELIVERY.after(failures, random);
            assertTrue(d.compareTo(ceiling) <= 0 && d.compareTo(ceiling.dividedBy(2)) >= 0, failures + ": " + d);
            sawJitter |= !d.equals(ceiling);
        }
        assertTrue(sawJitter, "the waits are jittered");
    }

    @Test
    void noWaitIsEverLongerThanTheCap() {
        for (int failures = 1; failures < 1000; failures += 7) {
            assertTrue(Backoff.DELIVERY.after(failures).compareTo(Duration.ofHours(1)) <= 0);
        }
    }

    @Test
    void refusesAPolicyThatCouldNotWait() {
        assertThrows(IllegalArgumentException.class, () -> new Backoff(Duration.ZERO, Duration.ofHours(1)));
        assertThrows(IllegalArgumentException.class, () -> new Backoff(Duration.ofHours(2), Duration.ofHours(1)));
    }
}
