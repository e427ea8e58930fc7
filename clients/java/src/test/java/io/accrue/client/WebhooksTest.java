package io.accrue.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

class WebhooksTest {

    // The Standard Webhooks specification's published test vector (standard-webhooks test suite, "sign function works")
    static final String SECRET = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
    static final String ID = "msg_p5jXN8AQM9LWM0D4loKWxJek";
    static final long TIMESTAMP = 1614265330;
    static final byte[] BODY = "{\"test\": 2432232314}".getBytes(StandardCharsets.UTF_8);
    static final String SIGNATURE = "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=";

    static Clock at(long seconds) {
        return Clock.fixed(Instant.ofEpochSecond(seconds), ZoneOffset.UTC);
    }

    static Map<String, Object> headers(String signature, long timestamp) {
        return Map.of("Webhook-Id", ID, "webhook-timestamp", List.of(Long.toString(timestamp)), "WEBHOOK-SIGNATURE",
                signature);
    }

    @Test
    void signsThePublishedVector() {
        assertEquals(SIGNATURE, Webhooks.sign(SECRET, ID, TIMESTAMP, BODY));
    }

    @Test
    void verifiesThePublishedVectorAndAnswersTheId() {
        assertEquals(ID, Webhooks.verify(SECRET, headers(SIGNATURE, TIMESTAMP), BODY, at(TIMESTAMP + 10)));
    }

    @Test
    void oneMatchingEntryAmongSeveralIsEnough() {
        String rotated = "v1,bm90IHRoaXMgb25l v1a,ignored " + SIGNATURE;
        assertEquals(ID, Webhooks.verify(SECRET, headers(rotated, TIMESTAMP), BODY, at(TIMESTAMP)));
    }

    @Test
    void anAlteredBodyIsRefused() {
        byte[] altered = "{\"test\": 2432232315}".getBytes(StandardCharsets.UTF_8);
        assertThrows(Webhooks.WebhookVerificationException.class,
                () -> Webhooks.verify(SECRET, headers(SIGNATURE, TIMESTAMP), altered, at(TIMESTAMP)));
    }

    @Test
    void anotherSecretIsRefused() {
        String other = "whsec_" + java.util.Base64.getEncoder().encodeToString(new byte[24]);
        assertThrows(Webhooks.WebhookVerificationException.class,
                () -> Webhooks.verify(other, headers(SIGNATURE, TIMESTAMP), BODY, at(TIMESTAMP)));
    }

    @Test
    void theToleranceIsFiveMinutesEitherWay() {
        assertEquals(ID, Webhooks.verify(SECRET, headers(SIGNATURE, TIMESTAMP), BODY, at(TIMESTAMP + 300)));
        assertEquals(ID, Webhooks.verify(SECRET, headers(SIGNATURE, TIMESTAMP), BODY, at(TIMESTAMP - 300)));
        assertThrows(Webhooks.WebhookVerificationException.class,
                () -> Webhooks.verify(SECRET, headers(SIGNATURE, TIMESTAMP), BODY, at(TIMESTAMP + 301)));
        assertThrows(Webhooks.WebhookVerificationException.class,
                () -> Webhooks.verify(SECRET, headers(SIGNATURE, TIMESTAMP), BODY, at(TIMESTAMP - 301)));
    }

    @Test
    void aMissingHeaderIsRefused() {
        assertThrows(Webhooks.WebhookVerificationException.class, () -> Webhooks.verify(SECRET,
                Map.of("webhook-id", ID, "webhook-timestamp", "1614265330"), BODY, at(TIMESTAMP)));
    }
}
