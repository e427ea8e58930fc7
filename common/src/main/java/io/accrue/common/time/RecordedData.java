package io.accrue.common.time;

import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.Arrays;
import java.util.Comparator;
import java.util.Objects;
import java.util.Optional;

/**
 * What a service has recorded at the latest instant of its test clock: usage that occurred, an invoice issued, a
 * subscription change. The test clock may go back to that instant but not before it, or "now" would fall before
 * data already recorded (a billing run then finds nothing due and reports success). Each service provides one bean.
 */
public interface RecordedData {

    /** The latest recorded instant and what it is (for the refusal's message), or empty when nothing is recorded. */
    Optional<Mark> latest();

    record Mark(Instant at, String what) {

        /** A mark from a native query's timestamp column ({@code max(...)}), or null when the column was null. */
        public static Mark of(Object timestamp, String what) {
            Instant at = switch (timestamp) {
                case null -> null;
                case Instant i -> i;
                case OffsetDateTime o -> o.toInstant();
                case java.sql.Timestamp t -> t.toInstant();
                default -> throw new IllegalStateException("unexpected timestamp type " + timestamp.getClass());
            };
            return at == null ? null : new Mark(at, what);
        }
    }

    /** The latest of the marks that exist. */
    static Optional<Mark> latestOf(Mark... marks) {
        return Arrays.stream(marks).filter(Objects::nonNull).max(Comparator.comparing(Mark::at));
    }
}
