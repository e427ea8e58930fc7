package io.accrue.common.error;

import java.io.IOException;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.databind.DeserializationContext;
import com.fasterxml.jackson.databind.KeyDeserializer;
import com.fasterxml.jackson.databind.deser.std.StringDeserializer;
import com.fasterxml.jackson.databind.exc.InvalidFormatException;

/**
 * Text PostgreSQL can store: a string or object key holding U+0000 is refused while binding, as 400
 * {@code invalid_value} naming the field (per event in a usage batch), instead of a 500 from the database. A map key
 * longer than {@link #MAX_KEY_LENGTH} is refused as 400 {@code value_too_long} (fields publish their own maximum with
 * {@code @Size}; keys cannot, so one limit holds for all of them).
 */
final class StorableStrings {

    static final int MAX_KEY_LENGTH = 256;

    /** A string over its maximum, found while binding; answered 400 {@code value_too_long}. */
    static final class TooLong extends InvalidFormatException {
        TooLong(JsonParser p, String value) {
            super(p, "is longer than " + MAX_KEY_LENGTH + " characters", value.substring(0, 64) + "…", String.class);
        }
    }

    private StorableStrings() {
    }

    static String check(JsonParser p, String value) throws IOException {
        if (value != null && value.indexOf('\0') >= 0) {
            throw InvalidFormatException.from(p, "contains a NUL character, which cannot be stored",
                    value.replace("\0", "\\u0000"), String.class);
        }
        return value;
    }

    static final class Values extends StringDeserializer {

        @Override
        public String deserialize(JsonParser p, DeserializationContext ctxt) throws IOException {
            return check(p, super.deserialize(p, ctxt));
        }
    }

    static final class Keys extends KeyDeserializer {

        @Override
        public Object deserializeKey(String key, DeserializationContext ctxt) throws IOException {
            if (key != null && key.length() > MAX_KEY_LENGTH) {
                throw new TooLong(ctxt.getParser(), key);
            }
            return check(ctxt.getParser(), key);
        }
    }
}
