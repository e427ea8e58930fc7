package io.accrue.usage.client;

import jakarta.enterprise.context.ApplicationScoped;

/**
 * Monotonic time for the account-status cache's ages: wall-clock elapsed time, not the suite's adjustable business
 * clock (a frozen or advanced {@code Clock} must not keep a status forever or expire it early). Tests replace it to
 * age entries without sleeping.
 */
@ApplicationScoped
public class StatusTicker {

    /** Nanoseconds from an arbitrary origin, only for differences. */
    public long nanos() {
        return System.nanoTime();
    }
}
