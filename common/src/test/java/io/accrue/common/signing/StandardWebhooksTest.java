package io.accrue.common.signing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

class StandardWebhooksTest {

    // The test vector published with the Standard Webhooks reference libraries (standard-webhooks/standard-webhooks).
    static final String SECRET = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
    static final String ID = "msg_p5jXN8AQM9LWM0D4loKWxJek";
    static final long TS = 1614265330L;
    static final String BODY = "{\"test\": 2432232314}";
    static final String EXPECTED = "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=";
    static final Instant AT = Instant.ofEpochSecond(TS);

    @Test
    void signsTheSpecVector() {
        assertEquals(EXPECTED, StandardWebhooks.sign(SECRET, ID, TS, BODY));
    }

    @Test
    void verifiesTheSpecVector() {
        assertEquals(StandardWebhooks.Outcome.VALID,
                StandardWebhooks.verify(SECRET, ID, "1614265330", EXPECTED, BODY, AT, StandardWebhooks.TOLERANCE));
    }

    @Test
    void oneMatchAmongSeveralSignaturesIsEnough() {
        String other = StandardWebhooks.newSecret();
        Map<String, String> h = StandardWebhooks.headers(List.of(other, SECRET), ID, TS, BODY);
        assertTrue(h.get(StandardWebhooks.SIGNATURE).contains(" "));
        assertTrue(h.get(StandardWebhooks.SIGNATURE).endsWith(EXPECTED));
        assertEquals(StandardWebhooks.Outcome.VALID, StandardWebhooks.verify(SECRET, h.get(StandardWebhooks.ID),
                h.get(StandardWebhooks.TIMESTAMP), h.get(StandardWebhooks.SIGNATURE), BODY, AT, Duration.ofMinutes(5)));
        assertEquals(StandardWebhooks.Outcome.VALID, StandardWebhooks.verify(SECRET, ID, "1614265330",
                "v1a,abc " + EXPECTED, BODY, AT, Duration.ofMinutes(5)));
    }

    @Test
    void aChangedBodyIdOrTimestampIsRefused() {
        Duration t = StandardWebhooks.TOLERANCE;
        assertEquals(StandardWebhooks.Outcome.INVALID,
                StandardWebhooks.verify(SECRET, ID, "1614265330", EXPECTED, "{\"test\": 2432232315}", AT, t));
        assertEquals(StandardWebhooks.Outcome.INVALID,
                StandardWebhooks.verify(SECRET, ID + "x", "1614265330", EXPECTED, BODY, AT, t));
        assertEquals(StandardWebhooks.Outcome.INVALID,
                StandardWebhooks.verify(SECRET, ID, "1614265331", EXPECTED, BODY, AT, t));
        assertEquals(StandardWebhooks.Outcome.INVALID, StandardWebhooks.verify(StandardWebhooks.newSecret(), ID,
                "1614265330", EXPECTED, BODY, AT, t));
        assertEquals(StandardWebhooks.Outcome.MISSING,
                StandardWebhooks.verify(SECRET, ID, "1614265330", null, BODY, AT, t));
    }

    @Test
    void aTimestampOutsideTheToleranceIsExpired() {
        Duration t = StandardWebhooks.TOLERANCE;
        assertEquals(StandardWebhooks.Outcome.EXPIRED, StandardWebhooks.verify(SECRET, ID, "1614265330", EXPECTED,
                BODY, AT.plus(t).plusSeconds(1), t));
        assertEquals(StandardWebhooks.Outcome.EXPIRED, StandardWebhooks.verify(SECRET, ID, "1614265330", EXPECTED,
                BODY, AT.minus(t).minusSeconds(1), t));
        assertEquals(StandardWebhooks.Outcome.VALID,
                StandardWebhooks.verify(SECRET, ID, "1614265330", EXPECTED, BODY, AT.plus(t), t));
    }

    @Test
    void newSecretsAreDistinctAndCarry256Bits() {
        String a = StandardWebhooks.newSecret();
        assertTrue(a.startsWith("whsec_"));
        assertEquals(32, StandardWebhooks.key(a).length);
        assertTrue(!a.equals(StandardWebhooks.newSecret()));
    }
}
