package io.accrue.client;

import java.time.Instant;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.UUID;

/**
 * One usage event as {@code POST /v1/usage-events} takes it. The common fields have setters; any other field of the
 * API ({@code reasoningTokens}, {@code usage} with {@code usageFormat}, {@code units}…) goes through
 * {@link Builder#field}. The server refuses unknown fields ({@code unknown_field}), so a typo is never stored.
 * The {@code eventId} is the exactly-once key: resending the same id is answered {@code duplicate}, never counted
 * twice, which is what makes retries safe.
 */
public final class UsageEvent {

    private final Map<String, Object> fields;

    private UsageEvent(Map<String, Object> fields) {
        this.fields = Collections.unmodifiableMap(new LinkedHashMap<>(fields));
    }

    public static Builder builder(String eventId, String endUserId, String model) {
        return new Builder().field("eventId", eventId).field("endUserId", endUserId).field("model", model);
    }

    public String eventId() {
        return (String) fields.get("eventId");
    }

    /** The JSON members, in the order set. */
    public Map<String, Object> fields() {
        return fields;
    }

    /** A copy of this event that settles the given reservation. */
    public UsageEvent settling(UUID reservationId) {
        Map<String, Object> copy = new LinkedHashMap<>(fields);
        copy.put("reservationId", reservationId.toString());
        return new UsageEvent(copy);
    }

    public static final class Builder {
        private final Map<String, Object> fields = new LinkedHashMap<>();

        public Builder inputTokens(long n) {
            return field("inputTokens", n);
        }

        public Builder outputTokens(long n) {
            return field("outputTokens", n);
        }

        public Builder cachedInputTokens(long n) {
            return field("cachedInputTokens", n);
        }

        public Builder occurredAt(Instant at) {
            return field("occurredAt", at.toString());
        }

        public Builder agentSessionId(String id) {
            return field("agentSessionId", id);
        }

        public Builder reservationId(UUID id) {
            return field("reservationId", id.toString());
        }

        public Builder metadata(Map<String, String> metadata) {
            return field("metadata", Map.copyOf(metadata));
        }

        /** Any other member of the API's usage event. */
        public Builder field(String name, Object value) {
            fields.put(Objects.requireNonNull(name), Objects.requireNonNull(value, name));
            return this;
        }

        public UsageEvent build() {
            if (!fields.containsKey("occurredAt")) {
                fields.put("occurredAt", Instant.now().toString());
            }
            return new UsageEvent(fields);
        }
    }
}
