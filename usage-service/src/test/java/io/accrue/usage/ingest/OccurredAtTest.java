package io.accrue.usage.ingest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.time.Instant;
import java.time.format.DateTimeFormatter;
import java.util.Random;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.exc.InvalidFormatException;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;

/** The fast {@code occurredAt} path gives the full parser's instant, and leaves everything else to it. */
class OccurredAtTest {

    private static final ObjectMapper JSON = new ObjectMapper().registerModule(new JavaTimeModule());

    @ParameterizedTest
    @ValueSource(strings = {"2026-12-02T10:15:30Z", "2026-12-02T10:15:30.1Z", "2026-12-02T10:15:30.123Z",
            "2026-12-02T10:15:30.123456Z", "2026-12-02T10:15:30.123456789Z", "2024-02-29T23:59:59.999999999Z",
            "2000-02-29T00:00:00Z", "1970-01-01T00:00:00Z", "1969-12-31T23:59:59.5Z", "0001-01-01T00:00:00Z",
            "9999-12-31T23:59:59Z", "2026-01-31T12:00:00.000Z", "2026-04-30T00:00:00.010Z"})
    void theFastPathReadsWhatTheFullParserReads(String s) {
        assertNotNull(OccurredAt.parse(s));
        assertEquals(DateTimeFormatter.ISO_INSTANT.parse(s, Instant::from), OccurredAt.parse(s));
    }

    @ParameterizedTest
    @ValueSource(strings = {"2026-12-02T10:15:30+01:00", "2026-12-02T10:15:30.1234567890Z", "2026-12-02T10:15:30.Z",
            "2026-12-02t10:15:30Z", "2026-12-02T10:15:30z", "2026-12-02 10:15:30Z", "+12026-12-02T10:15:30Z",
            "2026-12-02T23:59:60Z", "2026-02-29T10:15:30Z", "1900-02-29T10:15:30Z", "2026-13-02T10:15:30Z",
            "2026-00-02T10:15:30Z", "2026-04-31T10:15:30Z", "2026-12-00T10:15:30Z", "2026-12-02T24:00:00Z",
            "2026-12-02T10:60:30Z", "2026-12-02T10:15:3xZ", "2026-1a-02T10:15:30Z", "２026-12-02T10:15:30Z",
            "2026-12-02T10:15Z", "2026-12-02T10:15:30", "2026-12-02T10:15:30.12-3Z", "", "Z"})
    void anythingElseIsLeftToTheFullParser(String s) {
        assertNull(OccurredAt.parse(s));
    }

    @Test
    void randomInstantsInEveryFractionLength() {
        Random random = new Random(16);
        for (int i = 0; i < 20_000; i++) {
            Instant t = Instant.ofEpochSecond(random.nextLong(-62_135_596_800L, 253_402_300_799L),
                    random.nextInt(1_000_000_000));
            String full = t.toString();
            int digits = random.nextInt(10);
            String s = digits == 0
                    ? full.substring(0, 19) + "Z"
                    : full.substring(0, 19) + "."
                            + (full.length() > 20 ? full.substring(20, full.length() - 1) + "000000000" : "000000000")
                                    .substring(0, digits)
                            + "Z";
            assertEquals(Instant.parse(s), OccurredAt.parse(s), s);
        }
    }

    record Event(@com.fasterxml.jackson.databind.annotation.JsonDeserialize(using = OccurredAt.class) Instant at) {}

    @Test
    void throughJacksonTheOtherFormsAndErrorsAreTheFullDeserializers() throws Exception {
        assertEquals(Instant.parse("2026-12-02T10:15:30Z"),
                JSON.readValue("{\"at\":\"2026-12-02T10:15:30Z\"}", Event.class).at());
        assertEquals(Instant.parse("2026-12-02T10:15:30Z"),
                JSON.readValue("{\"at\":\"2026-12-02T11:15:30+01:00\"}", Event.class).at());
        assertEquals(Instant.ofEpochSecond(1764670530), JSON.readValue("{\"at\":1764670530}", Event.class).at());
        assertNull(JSON.readValue("{\"at\":null}", Event.class).at());
        assertThrows(InvalidFormatException.class,
                () -> JSON.readValue("{\"at\":\"2026-02-30T10:15:30Z\"}", Event.class));
        assertThrows(InvalidFormatException.class, () -> JSON.readValue("{\"at\":\"yesterday\"}", Event.class));
        assertThrows(com.fasterxml.jackson.databind.exc.MismatchedInputException.class,
                () -> JSON.readValue("{\"at\":true}", Event.class));
    }
}
