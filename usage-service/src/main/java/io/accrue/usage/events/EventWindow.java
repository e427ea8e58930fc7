package io.accrue.usage.events;

import java.time.Duration;
import java.time.Instant;

import io.accrue.common.error.ApiException;

/**
 * The window every read of raw usage events is bounded by ({@code [from, to)} by occurred_at, at most a quarter),
 * so each one stays within an index range and a few monthly partitions: the events list and export, and the
 * analytics built on the events.
 */
public final class EventWindow {

    public static final Duration MAX = Duration.ofDays(93);

    private EventWindow() {
    }

    /** Refuses a missing, empty or too long window with {@code window_required} / {@code _invalid} / {@code _too_long}. */
    public static void require(Instant from, Instant to) {
        if (from == null || to == null) {
            throw ApiException.badRequest("window_required", "from and to are required (ISO-8601 instants).");
        }
        if (!from.isBefore(to)) {
            throw ApiException.badRequest("window_invalid", "from must be before to: the window is [from, to).");
        }
        if (Duration.between(from, to).compareTo(MAX) > 0) {
            throw ApiException.badRequest("window_too_long",
                    "The window spans more than " + MAX.toDays() + " days; page through shorter windows.");
        }
    }
}
