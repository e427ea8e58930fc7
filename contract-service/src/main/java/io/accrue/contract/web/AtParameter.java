package io.accrue.contract.web;

import java.time.Clock;
import java.time.Instant;

import io.accrue.common.error.ApiException;

/** The {@code ?at=} query parameter of the read endpoints: an ISO-8601 instant, now when absent. */
public final class AtParameter {

    private AtParameter() {
    }

    public static Instant parse(String at, Clock clock) {
        if (at == null || at.isBlank()) {
            return clock.instant();
        }
        try {
            return Instant.parse(at);
        } catch (RuntimeException e) {
            throw ApiException.badRequest("invalid_value",
                    "at: must be an ISO-8601 UTC instant such as 2026-03-01T00:00:00Z");
        }
    }
}
