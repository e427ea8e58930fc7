package io.accrue.usage.ingest;

import java.io.IOException;
import java.time.Instant;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.BeanProperty;
import com.fasterxml.jackson.databind.DeserializationContext;
import com.fasterxml.jackson.databind.JsonDeserializer;
import com.fasterxml.jackson.databind.deser.ContextualDeserializer;
import com.fasterxml.jackson.databind.deser.std.StdDeserializer;

/**
 * {@code occurredAt} read without {@code DateTimeFormatter}: Jackson's {@code Instant} parsing was 15–17 % of
 * ingestion's JVM samples (issue 16). The form gateways send, {@code yyyy-MM-ddTHH:mm:ss[.f{1,9}]Z}, is read digit by
 * digit; anything else (offsets, expanded years, epoch numbers, leap seconds, bad dates) goes to the mapper's own
 * {@code Instant} deserializer, so it is accepted or refused exactly as before, with the same error.
 */
public final class OccurredAt extends StdDeserializer<Instant> implements ContextualDeserializer {

    private final JsonDeserializer<?> full;

    public OccurredAt() {
        this(null);
    }

    private OccurredAt(JsonDeserializer<?> full) {
        super(Instant.class);
        this.full = full;
    }

    @Override
    public JsonDeserializer<?> createContextual(DeserializationContext ctxt, BeanProperty property)
            throws com.fasterxml.jackson.databind.JsonMappingException {
        return new OccurredAt(ctxt.findContextualValueDeserializer(ctxt.constructType(Instant.class), property));
    }

    @Override
    public Instant deserialize(JsonParser p, DeserializationContext ctxt) throws IOException {
        if (p.currentToken() == JsonToken.VALUE_STRING) {
            Instant fast = parse(p.getText());
            if (fast != null) {
                return fast;
            }
        }
        JsonDeserializer<?> d = full != null
                ? full
                : ctxt.findRootValueDeserializer(ctxt.constructType(Instant.class));
        return (Instant) d.deserialize(p, ctxt);
    }

    /** The instant of a plain UTC ISO-8601 string, or null when it is not one (then the full parser decides). */
    static Instant parse(String s) {
        int n = s.length();
        if (n < 20 || n > 30 || s.charAt(4) != '-' || s.charAt(7) != '-' || s.charAt(10) != 'T'
                || s.charAt(13) != ':' || s.charAt(16) != ':' || s.charAt(n - 1) != 'Z') {
            return null;
        }
        int year = digits(s, 0, 4), month = digits(s, 5, 7), day = digits(s, 8, 10);
        int hour = digits(s, 11, 13), minute = digits(s, 14, 16), second = digits(s, 17, 19);
        if (year < 0 || month < 1 || month > 12 || day < 1 || day > lengthOfMonth(year, month) || hour < 0
                || hour > 23 || minute < 0 || minute > 59 || second < 0 || second > 59) {
            return null;
        }
        int nanos = 0;
        if (n > 20) {
            int fraction = n - 21; // between '.' and 'Z'
            if (s.charAt(19) != '.' || fraction < 1 || fraction > 9) {
                return null;
            }
            nanos = digits(s, 20, n - 1);
            if (nanos < 0) {
                return null;
            }
            for (int i = fraction; i < 9; i++) {
                nanos *= 10;
            }
        }
        long epochDay = epochDay(year, month, day);
        return Instant.ofEpochSecond(epochDay * 86_400 + hour * 3_600L + minute * 60L + second, nanos);
    }

    /** The decimal value of s[from, to), or -1 when a character is not an ASCII digit. */
    private static int digits(String s, int from, int to) {
        int v = 0;
        for (int i = from; i < to; i++) {
            char c = s.charAt(i);
            if (c < '0' || c > '9') {
                return -1;
            }
            v = v * 10 + (c - '0');
        }
        return v;
    }

    private static int lengthOfMonth(int year, int month) {
        return switch (month) {
            case 2 -> leap(year) ? 29 : 28;
            case 4, 6, 9, 11 -> 30;
            default -> 31;
        };
    }

    private static boolean leap(int year) {
        return (year & 3) == 0 && (year % 100 != 0 || year % 400 == 0);
    }

    /** Days from 1970-01-01 in the proleptic Gregorian calendar, as {@code LocalDate.toEpochDay} counts them. */
    private static long epochDay(int year, int month, int day) {
        return java.time.LocalDate.of(year, month, day).toEpochDay();
    }
}
