package io.accrue.common.state;

import java.util.Arrays;
import java.util.Locale;
import java.util.Optional;

/**
 * The one naming convention for states and options: constants in UPPER_SNAKE, the value on the wire (JSON, query
 * parameters, database columns) the same name in lower_snake. Views call {@link #wire()}, requests and rows come back
 * through {@link #find}; entity columns convert through a {@link WireColumn}.
 */
public interface WireValue {

    String name();

    default String wire() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** The constant whose {@link #wire()} is {@code value} exactly (no trimming, no case folding). */
    static <E extends Enum<E> & WireValue> Optional<E> find(Class<E> type, String value) {
        return Arrays.stream(type.getEnumConstants()).filter(e -> e.wire().equals(value)).findFirst();
    }

    /** The wire values of every constant, for a refusal that lists what would have been accepted. */
    static <E extends Enum<E> & WireValue> String choices(Class<E> type) {
        return String.join(", ", Arrays.stream(type.getEnumConstants()).map(WireValue::wire).toList());
    }
}
