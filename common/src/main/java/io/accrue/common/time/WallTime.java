package io.accrue.common.time;

import java.time.Clock;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;

import jakarta.enterprise.context.ApplicationScoped;

/**
 * The one wall-time source of the suite, beside the business {@link Clock} of {@link ClockProducer}: what is judged
 * by real elapsed time, never by the adjustable clock (which a test or the operator endpoint freezes or moves
 * months ahead): token expiry (as quarkus-oidc judges it), the verified-token cache, log throttling and the ages of
 * the caches (account status, signing secrets, price catalog). A bean, so that tests replace it (an
 * {@code @Alternative} subclass, or {@code QuarkusMock}) and move time instead of sleeping.
 */
@ApplicationScoped
public class WallTime {

    /** The system's UTC clock: the one place the suite reads real time (everything else injects this bean). */
    private final Clock system = Clock.systemUTC();

    /** Now, by the system clock. */
    public Instant now() {
        return system.instant();
    }

    /** This source as a {@link Clock}, for code that takes one; it follows a replaced {@link #now}. */
    public Clock clock() {
        WallTime source = this;
        return new Clock() {
            @Override
            public ZoneId getZone() { return ZoneOffset.UTC; }

            @Override
            public Clock withZone(ZoneId zone) {
                return this;
            }

            @Override
            public Instant instant() {
                return source.now();
            }
        };
    }
}
