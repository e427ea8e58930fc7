package io.accrue.invoice.run;

import java.time.Instant;

/** A half-open billing period {@code [start, end)}. */
public record Period(Instant start, Instant end) {
    public Period {
        if (!start.isBefore(end)) {
            throw new IllegalArgumentException("a period must end after it starts");
        }
    }
}
