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

    /** The clock never leaves these years: every date computation of the suite (periods, invoices) fits in them. */
    public static final Instant EARLIEST = Instant.parse("1970-01-01T00:00:00Z");
    public static final Instant LATEST = Instant.parse("9999-12-31T23:59:59Z");

    /**
     * Moves time forward (or back, with a negative duration); a frozen clock stays frozen. A move that would leave
     * {@link #EARLIEST}..{@link #LATEST} throws {@link IllegalArgumentException} and changes nothing.
     */
    public Instant advance(Duration by) {
        State next = state.updateAndGet(s -> {
            Instant target = checked(() -> (s.frozenAt != null ? s.frozenAt : system.instant().plus(s.offset))
                    .plus(by));
            return s.frozenAt != null ? new State(target, s.offset) : new State(null, s.offset.plus(by));
        });
        return next.frozenAt != null ? next.frozenAt : system.instant().plus(next.offset);
    }

    /** Sets the current time; a frozen clock stays frozen there, a running one keeps running from there. */
    public Instant set(Instant now) {
        checked(() -> now);
        state.updateAndGet(s -> s.frozenAt != null
                ? new State(now, Duration.ZERO)
                : new State(null, Duration.between(system.instant(), now)));
        return now;
    }

    private static Instant checked(java.util.function.Supplier<Instant> target) {
        Instant t;
        try {
            t = target.get();
        } catch (ArithmeticException | java.time.DateTimeException e) {
            throw new IllegalArgumentException("the clock would leave the supported years", e);
        }
        if (t.isBefore(EARLIEST) || t.isAfter(LATEST)) {
            throw new IllegalArgumentException("the clock would leave the supported years");
        }
        return t;
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
