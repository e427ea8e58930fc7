package io.accrue.common.security;

import java.time.Duration;

/** Lets tests of other packages move {@link MovableWallTime}. */
public final class MovableWallTimeAccess {

    private MovableWallTimeAccess() {
    }

    public static void moveBy(Duration duration) {
        MovableWallTime.moveBy(duration);
    }

    public static void reset() {
        MovableWallTime.reset();
    }
}
