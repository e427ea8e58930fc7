package io.accrue.common.security;

import java.time.Duration;

/** Lets tests of other packages move {@link MovableTokenClock}. */
public final class MovableTokenClockAccess {

    private MovableTokenClockAccess() {
    }

    public static void moveBy(Duration duration) {
        MovableTokenClock.moveBy(duration);
    }

    public static void reset() {
        MovableTokenClock.reset();
    }
}
