package io.accrue.usage.ingest;

import java.util.Map;

/**
 * The bean-validation constraints of {@link UsageEventRequest}, written out as plain checks for the common case
 * of an event that meets all of them. Validating every event of a batch through Hibernate Validator (reflection,
 * path and context objects per property) cost about a sixth of ingestion's CPU; a valid event now costs a few
 * comparisons, and only an event failing here goes through the validator, which then names the violations.
 *
 * <p>
 * Each check is the validator's own rule (e.g. {@code @NotBlank}: {@code !isBlank()}; {@code @Size}:
 * {@code length()}), so "plainly valid" means "no violations". {@code PlainlyValidTest} holds the annotations
 * to this list: changing a constraint without changing this class fails the build.
 */
final class PlainlyValid {

    private PlainlyValid() {
    }

    static boolean event(UsageEventRequest r) {
        return notBlank(r.eventId(), 128) && notBlank(r.endUserId(), 128) && notBlank(r.model(), 128)
                && atMost(r.provider(), 64)
                && between(r.inputTokens(), 100_000_000) && between(r.outputTokens(), 100_000_000)
                && between(r.cachedTokens(), 100_000_000)
                && r.occurredAt() != null
                && atMost(r.agentSessionId(), 128)
                && (r.toolCalls() == null || r.toolCalls() >= 0 && r.toolCalls() <= 10_000)
                && units(r.units()) && metadata(r.metadata())
                && between(r.cacheWriteTokens(), 100_000_000) && between(r.cacheWrite1hTokens(), 100_000_000)
                && between(r.audioInputTokens(), 100_000_000) && between(r.audioOutputTokens(), 100_000_000)
                && between(r.imageInputTokens(), 100_000_000) && between(r.imageOutputTokens(), 100_000_000)
                && between(r.reasoningTokens(), 100_000_000)
                && atMost(r.serviceTier(), 32) && atMost(r.usageFormat(), 32);
    }

    /** {@code @NotBlank @Size(max)}. */
    private static boolean notBlank(String s, int max) {
        return s != null && s.length() <= max && !s.isBlank();
    }

    /** {@code @Size(max)}; null is valid. */
    private static boolean atMost(String s, int max) {
        return s == null || s.length() <= max;
    }

    /** {@code @Min(0) @Max(max)}; null is valid. */
    private static boolean between(Long v, long max) {
        return v == null || v >= 0 && v <= max;
    }

    /** {@code @Size(max = 10)}, keys {@code @Pattern("[a-z][a-z0-9_]*")}, values {@code @NotNull @Min(0) @Max(1_000_000)}. */
    private static boolean units(Map<String, Long> units) {
        if (units == null) {
            return true;
        }
        if (units.size() > 10) {
            return false;
        }
        for (var e : units.entrySet()) {
            if (!snakeCase(e.getKey()) || e.getValue() == null || e.getValue() < 0 || e.getValue() > 1_000_000) {
                return false;
            }
        }
        return true;
    }

    private static final java.util.regex.Pattern METADATA_KEY = java.util.regex.Pattern
            .compile(UsageEventRequest.METADATA_KEY);
    private static final java.util.regex.Pattern METADATA_VALUE = java.util.regex.Pattern
            .compile(UsageEventRequest.METADATA_VALUE);

    /** {@code @Size(max = 16)}, keys {@code @Pattern(METADATA_KEY)}, values {@code @NotNull @Pattern(METADATA_VALUE)}. */
    private static boolean metadata(Map<String, String> metadata) {
        if (metadata == null) {
            return true;
        }
        if (metadata.size() > 16) {
            return false;
        }
        for (var e : metadata.entrySet()) {
            if (e.getKey() == null || !METADATA_KEY.matcher(e.getKey()).matches() || e.getValue() == null
                    || !METADATA_VALUE.matcher(e.getValue()).matches()) {
                return false;
            }
        }
        return true;
    }

    /** {@code [a-z][a-z0-9_]*}, the whole key. */
    private static boolean snakeCase(String key) {
        if (key == null || key.isEmpty() || key.charAt(0) < 'a' || key.charAt(0) > 'z') {
            return false;
        }
        for (int i = 1; i < key.length(); i++) {
            char ch = key.charAt(i);
            if (!(ch >= 'a' && ch <= 'z' || ch >= '0' && ch <= '9' || ch == '_')) {
                return false;
            }
        }
        return true;
    }
}
