package io.accrue.common.security;

import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.atomic.AtomicReference;

import jakarta.annotation.Priority;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Alternative;

import io.accrue.common.time.WallTime;

/** The system's wall time plus an offset the tests move: token expiry without waiting for it. */
@Alternative
@Priority(1)
@ApplicationScoped
public class MovableWallTime extends WallTime {

    static final AtomicReference<Duration> OFFSET = new AtomicReference<>(Duration.ZERO);

    @Override
    public Instant now() {
        return super.now().plus(OFFSET.get());
    }

    static void moveBy(Duration duration) {
        OFFSET.updateAndGet(d -> d.plus(duration));
    }

    static void reset() {
        OFFSET.set(Duration.ZERO);
    }
}
