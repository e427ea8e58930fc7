package io.accrue.common.signing;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import io.accrue.common.signing.Signatures.Outcome;

class SignaturesTest {

    private static final String SECRET = "asig_test_secret";
    private static final String BODY = "{\"eventId\":\"e-1\"}";
    private static final long T = 1773568800L; // 2026-03-15T10:00:00Z
    private static final Instant NOW = Instant.ofEpochSecond(T);
    /** Computed independently: printf '%s' '1773568800.{"eventId":"e-1"}' | openssl dgst -sha256 -hmac asig_test_secret */
    private static final String V1 = "2e71c5442ee16677ee50574947a2a7528304f884362b6803e34fd36fc3200ef6";

    @Test
    void theHeaderIsStripesSchemeOverTimestampDotBody() {
        assertEquals("t=" + T + ",v1=" + V1, Signatures.header(SECRET, T, BODY));
    }

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource(delimiter = '|', value = {
            "t=1773568800,v1=" + V1 + "                         | VALID",
            "t=1773568800,v1=" + "2E71C5442EE16677EE50574947A2A7528304F884362B6803E34FD36FC3200EF6 | VALID",
            "v0=xyz,t=1773568800,v1=" + V1 + "                  | VALID",
            "t=1773568800,v1=" + "00" + "71c5442ee16677ee50574947a2a7528304f884362b6803e34fd36fc3200ef6 | INVALID",
            "t=1773568800,v1=0000000000000000000000000000000000000000000000000000000000000000,v1=" + V1 + " | VALID",
            "''                                                    | MISSING",
            "'   '                                                 | MISSING",
            "t=1773568800                                          | INVALID",
            "v1=" + V1 + "                                         | INVALID",
            "t=abc,v1=" + V1 + "                                   | INVALID",
            "t=1773568800,t=1773568800,v1=" + V1 + "               | INVALID",
            "t=1773568800,v1=" + V1 + "00                          | INVALID",
            "t=1773568800;v1=" + V1 + "                            | INVALID",
            "garbage                                               | INVALID",
            "t=1773568801,v1=" + V1 + "                            | INVALID"})
    void headersAreParsedStrictly(String header, Outcome expected) {
        assertEquals(expected, Signatures.verify(header, bytes(BODY), List.of(SECRET), NOW, Duration.ofMinutes(5)));
    }

    @ParameterizedTest(name = "signed {0} s from now -> {1}")
    @CsvSource({"0, VALID", "-300, VALID", "300, VALID", "-301, EXPIRED", "301, EXPIRED", "-86400, EXPIRED"})
    void theTimestampMustBeWithinTheTolerance(long offset, Outcome expected) {
        String header = Signatures.header(SECRET, T + offset, BODY);
        assertEquals(expected, Signatures.verify(header, bytes(BODY), List.of(SECRET), NOW, Duration.ofMinutes(5)));
    }

    @Test
    void anyOfTheClientsSecretsMayHaveSigned() {
        String header = Signatures.header("asig_new", T, BODY);
        assertEquals(Outcome.VALID,
                Signatures.verify(header, bytes(BODY), List.of("asig_old", "asig_new"), NOW, Duration.ofMinutes(5)));
        assertEquals(Outcome.INVALID,
                Signatures.verify(header, bytes(BODY), List.of("asig_old"), NOW, Duration.ofMinutes(5)));
    }

    @Test
    void aStaleForgeryIsInvalidNotExpired() {
        String header = Signatures.header("asig_other", T - 3600, BODY);
        assertEquals(Outcome.INVALID,
                Signatures.verify(header, bytes(BODY), List.of(SECRET), NOW, Duration.ofMinutes(5)));
    }

    @Test
    void theBodyIsSignedByteForByte() {
        String header = Signatures.header(SECRET, T, BODY);
        assertEquals(Outcome.INVALID, Signatures.verify(header, bytes(BODY + " "), List.of(SECRET), NOW,
                Duration.ofMinutes(5)));
        assertEquals(Outcome.INVALID, Signatures.verify(header, bytes(BODY.replace("e-1", "e-2")), List.of(SECRET),
                NOW, Duration.ofMinutes(5)));
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}
