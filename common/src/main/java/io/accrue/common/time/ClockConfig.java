package io.accrue.common.time;

import java.time.Instant;
import java.util.Optional;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/** Where "now" comes from. Production uses the system clock; tests and demos pin or move it. */
@ConfigMapping(prefix = "accrue.clock")
public interface ClockConfig {

    /** Start the clock at this instant instead of the system time (tests pin it; demos start a scenario). */
    Optional<Instant> fixedAt();

    /**
     * Allow a platform operator to move the clock through {@code POST /v1/operator/clock} (Stripe calls this
     * a test clock). Never enable it in production.
     */
    @WithDefault("false")
    boolean adjustable();
}
