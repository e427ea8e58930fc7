package io.accrue.common.state;

import jakarta.persistence.AttributeConverter;

/**
 * Stores a {@link WireValue} enum as its wire text, so the column keeps the values its CHECK constraint and native
 * queries name. A service declares one {@code @Converter(autoApply = true)} subclass per enum.
 */
public abstract class WireColumn<E extends Enum<E> & WireValue> implements AttributeConverter<E, String> {

    private final Class<E> type;

    protected WireColumn(Class<E> type) {
        this.type = type;
    }

    @Override
    public String convertToDatabaseColumn(E value) {
        return value == null ? null : value.wire();
    }

    @Override
    public E convertToEntityAttribute(String column) {
        return column == null
                ? null
                : WireValue.find(type, column).orElseThrow(() -> new IllegalStateException(
                        "column value '" + column + "' is no " + type.getSimpleName()));
    }
}
