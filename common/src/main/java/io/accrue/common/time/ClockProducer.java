package io.accrue.common.time;

import java.time.Clock;

import jakarta.enterprise.inject.Produces;
import jakarta.enterprise.inject.Typed;
import jakarta.inject.Singleton;

/**
 * Every business "now" of the suite (periods, invoices, events, windows) comes from the {@link Clock} produced here,
 * so the operator clock moves it. Wall-clock reads remain only for elapsed time that must not move with it: cache
 * ages and token expiry.
 */
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
