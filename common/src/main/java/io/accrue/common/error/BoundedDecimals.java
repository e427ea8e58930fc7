package io.accrue.common.error;

import java.io.IOException;
import java.math.BigDecimal;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.databind.DeserializationContext;
import com.fasterxml.jackson.databind.deser.std.NumberDeserializers;
import com.fasterxml.jackson.databind.exc.InvalidFormatException;

/**
 * A decimal with an exponent such as {@code 1e999999999} is a few bytes of JSON but a billion digits once printed or
 * rescaled: refused while binding (400 {@code invalid_value}). No amount, price or rate of the suite needs more than
 * {@value #MAX_DIGITS} digits before or after the point.
 */
final class BoundedDecimals extends NumberDeserializers.BigDecimalDeserializer {

    static final int MAX_DIGITS = 40;

    @Override
    public BigDecimal deserialize(JsonParser p, DeserializationContext ctxt) throws IOException {
        BigDecimal value = super.deserialize(p, ctxt);
        if (value != null && (value.scale() > MAX_DIGITS || value.precision() - value.scale() > MAX_DIGITS)) {
            throw InvalidFormatException.from(p, "a decimal with more than " + MAX_DIGITS
                    + " digits before or after the point", value.toString(), BigDecimal.class);
        }
        return value;
    }
}
