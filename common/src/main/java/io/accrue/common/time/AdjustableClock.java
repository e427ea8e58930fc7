package io.accrue.common.time;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.concurrent.atomic.AtomicReference;

/**
 * A UTC clock that is either the system clock shifted by an offset, or frozen at an instant. Moving it is
 * how tests and the demo cross a billing period end without waiting a month.
 */
public final class AdjustableClock extends Clock {

    private record State(Instant frozenAt, Duration offset) {}

    private final Clock system = Clock.systemUTC();
    private final AtomicReference<State> state;

    private AdjustableClock(State initial) {
        this.state = new AtomicReference<>(initial);
    }

    public static AdjustableClock system() {
        return new AdjustableClock(new State(null, Duration.ZERO));
    }

    public static AdjustableClock frozenAt(Instant instant) {
        return new AdjustableClock(new State(instant, Duration.ZERO));
    }

    @Override
    public Instant instant() {
        State s = state.get();
        return s.frozenAt != null ? s.frozenAt : system.instant().plus(s.offset);
    }

    /** Moves time forward (or back, with a negative duration); a frozen clock stays frozen. */
    public Instant advance(Duration by) {
        State next = state.updateAndGet(s -> s.frozenAt != null
                ? new State(s.frozenAt.plus(by), s.offset)
                : new State(null, s.offset.plus(by)));
        return next.frozenAt != null ? next.frozenAt : system.instant().plus(next.offset);
    }

    /** Sets the current time; a frozen clock stays frozen there, a running one keeps running from there. */
    public Instant set(Instant now) {
        state.updateAndGet(s -> s.frozenAt != null
                ? new State(now, Duration.ZERO)
                : new State(null, Duration.between(system.instant(), now)));
        return now;
    }

    public boolean frozen() {
        return state.get().frozenAt != null;
    }

    @Override
    public ZoneId getZone() { return ZoneOffset.UTC; }

    @Override
    public Clock withZone(ZoneId zone) {
        return Clock.fixed(instant(), zone);
    }
}
