package io.accrue.common.security;

import java.util.Locale;
import java.util.Optional;

/** Test and live usage never mix: every usage record carries one of these. */
public enum Environment {
    TEST, LIVE;

    public String wireName() {
        return name().toLowerCase(Locale.ROOT);
    }

    public static Optional<Environment> parse(String value) {
        if (value == null) {
            return Optional.empty();
        }
        return switch (value.trim().toLowerCase(Locale.ROOT)) {
            case "test" -> Optional.of(TEST);
            case "live" -> Optional.of(LIVE);
            default -> Optional.empty();
        };
    }
}
