package io.accrue.usage.webhook;

import java.time.Duration;

/** Retry delay after the n-th failed delivery: 30 s doubling, at most one hour (pure). */
public final class DeliveryBackoff {

    static final Duration FIRST = Duration.ofSeconds(30);
    static final Duration MAX = Duration.ofHours(1);

    private DeliveryBackoff() {
    }

    public static Duration after(int attempts) {
        if (attempts <= 1) {
            return FIRST;
        }
        Duration d = FIRST.multipliedBy(1L << Math.min(attempts - 1, 20));
        return d.compareTo(MAX) > 0 ? MAX : d;
    }
}
