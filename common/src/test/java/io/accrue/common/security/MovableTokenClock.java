package io.accrue.common.security;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.concurrent.atomic.AtomicReference;

import jakarta.annotation.Priority;
import jakarta.enterprise.inject.Alternative;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;

/** The system clock plus an offset the tests move: token expiry without waiting for it. */
@Singleton
public class MovableTokenClock {

    static final AtomicReference<Duration> OFFSET = new AtomicReference<>(Duration.ZERO);

    @Produces
    @Singleton
    @Alternative
    @Priority(1)
    @TokenExpiryClock.SystemTime
    Clock movable() {
        return new Clock() {
            @Override
            public ZoneId getZone() { return ZoneOffset.UTC; }

            @Override
            public Clock withZone(ZoneId zone) {
                return this;
            }

            @Override
            public Instant instant() {
                return Instant.now().plus(OFFSET.get());
            }
        };
    }

    static void moveBy(Duration duration) {
        OFFSET.updateAndGet(d -> d.plus(duration));
    }

    static void reset() {
        OFFSET.set(Duration.ZERO);
    }
}
