package io.accrue.usage.metering;

import java.time.Duration;

/** Retry delay after the n-th failed attempt: 30 s doubling, at most one hour (pure). */
public final class MeterBackoff {

    static final Duration FIRST = Duration.ofSeconds(30);
    static final Duration MAX = Duration.ofHours(1);

    private MeterBackoff() {
    }

    public static Duration after(int attempts) {
        if (attempts <= 1) {
            return FIRST;
        }
        int shift = Math.min(attempts - 1, 20);
        Duration d = FIRST.multipliedBy(1L << shift);
        return d.compareTo(MAX) > 0 ? MAX : d;
    }
}
