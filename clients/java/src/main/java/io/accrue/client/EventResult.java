package io.accrue.client;

import java.math.BigDecimal;
import java.util.UUID;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonValue;

/**
 * What became of one event. {@code code}/{@code reason} are set for {@code rejected} and for the client-side
 * outcomes {@code buffer_full} and {@code not_delivered}; {@code cost}/{@code priceVersionId} for accepted and
 * queued events; {@code revenue} only once written (accepted).
 */
@JsonIgnoreProperties(ignoreUnknown = true)
public record EventResult(int index, String eventId, Status status, String code, String reason, String model,
        UUID priceVersionId, BigDecimal cost, BigDecimal revenue, Boolean unpriced) {

    public enum Status {
        /** Stored now, rated, counted once. */
        ACCEPTED("accepted"),
        /** This event id was stored before: nothing counted again (a safe replay). */
        DUPLICATE("duplicate"),
        /** Refused for good (see {@code code}); resending the same event cannot succeed. */
        REJECTED("rejected"),
        /** Ingestion mode kafka: in the usage log, written (or resolved as a duplicate) by its consumer. */
        QUEUED("queued"),
        /** Client side: the reporter's buffer was full; the event was never sent. */
        BUFFER_FULL("buffer_full"),
        /** Client side: the server could not be reached or kept answering 429/503 until the policy gave up. */
        NOT_DELIVERED("not_delivered");

        private final String wire;

        Status(String wire) {
            this.wire = wire;
        }

        @JsonValue
        public String wire() {
            return wire;
        }

        @JsonCreator
        public static Status of(String wire) {
            for (Status s : values()) {
                if (s.wire.equals(wire)) {
                    return s;
                }
            }
            throw new IllegalArgumentException("unknown event status " + wire);
        }
    }

    /** Whether the event is (or will be, queued) counted exactly once: nothing more to do for it. */
    public boolean settled() {
        return status == Status.ACCEPTED || status == Status.DUPLICATE || status == Status.QUEUED;
    }

    static EventResult local(int index, String eventId, Status status, String code, String reason) {
        return new EventResult(index, eventId, status, code, reason, null, null, null, null, null);
    }
}
