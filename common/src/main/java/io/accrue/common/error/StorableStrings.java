package io.accrue.common.error;

import java.io.IOException;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.databind.DeserializationContext;
import com.fasterxml.jackson.databind.KeyDeserializer;
import com.fasterxml.jackson.databind.deser.std.StringDeserializer;
import com.fasterxml.jackson.databind.exc.InvalidFormatException;

/**
 * Text PostgreSQL can store: a string or object key holding U+0000 is refused while binding, as 400
 * {@code invalid_value} naming the field (per event in a usage batch), instead of a 500 from the database.
 */
final class StorableStrings {

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
            return check(ctxt.getParser(), key);
        }
    }
}
