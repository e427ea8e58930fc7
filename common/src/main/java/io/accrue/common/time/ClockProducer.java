package io.accrue.common.time;

import java.time.Clock;

import jakarta.enterprise.inject.Produces;
import jakarta.enterprise.inject.Typed;
import jakarta.inject.Singleton;

/** Every "now" in the suite comes from the {@link Clock} produced here; nothing calls {@code Instant.now()}. */
public class ClockProducer {

    @Produces
    @Singleton
    @Typed(AdjustableClock.class)
    AdjustableClock adjustableClock(ClockConfig config) {
        return config.fixedAt().map(AdjustableClock::frozenAt).orElseGet(AdjustableClock::system);
    }

    @Produces
    @Singleton
    Clock clock(AdjustableClock clock) {
        return clock;
    }
}
