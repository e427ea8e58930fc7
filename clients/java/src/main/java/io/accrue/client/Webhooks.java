package io.accrue.client;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Verifies a webhook signed per the Standard Webhooks specification: headers {@code webhook-id},
 * {@code webhook-timestamp} (unix seconds) and {@code webhook-signature} (space-separated {@code v1,<base64>}
 * entries, several during a secret rotation), the signature being the HMAC-SHA256 of
 * {@code id + "." + timestamp + "." + body} keyed with the base64 part of the {@code whsec_…} secret. Verify the raw
 * body bytes as received: re-serialised JSON does not match.
 */
public final class Webhooks {

    public static final Duration TOLERANCE = Duration.ofMinutes(5);

    private Webhooks() {
    }

    /** Verifies against the system clock; answers the webhook id (de-duplicate on it), or throws. */
    public static String verify(String secret, Map<String, ?> headers, byte[] body) {
        return verify(secret, headers, body, Clock.systemUTC());
    }

    public static String verify(String secret, Map<String, ?> headers, String body) {
        return verify(secret, headers, body.getBytes(StandardCharsets.UTF_8), Clock.systemUTC());
    }

    public static String verify(String secret, Map<String, ?> headers, byte[] body, Clock clock) {
        String id = header(headers, "webhook-id");
        String timestamp = header(headers, "webhook-timestamp");
        String signatures = header(headers, "webhook-signature");
        long seconds;
        try {
            seconds = Long.parseLong(timestamp);
        } catch (NumberFormatException e) {
            throw new WebhookVerificationException("webhook-timestamp is not unix seconds");
        }
        Instant now = clock.instant();
        if (Math.abs(now.getEpochSecond() - seconds) > TOLERANCE.toSeconds()) {
            throw new WebhookVerificationException("webhook-timestamp is more than 5 minutes from now");
        }
        byte[] expected = hmac(key(secret), id, timestamp, body);
        for (String entry : signatures.trim().split(" +")) {
            int comma = entry.indexOf(',');
            if (comma < 0 || !"v1".equals(entry.substring(0, comma))) {
                continue; // another scheme (v1a…) or garbage: not ours to check
            }
            byte[] given;
            try {
                given = Base64.getDecoder().decode(entry.substring(comma + 1));
            } catch (IllegalArgumentException notBase64) {
                continue;
            }
            if (MessageDigest.isEqual(expected, given)) { // constant time
                return id;
            }
        }
        throw new WebhookVerificationException("no v1 signature matches");
    }

    /** The {@code webhook-signature} value for these parts (for tests and for senders). */
    public static String sign(String secret, String id, long timestamp, byte[] body) {
        return "v1," + Base64.getEncoder().encodeToString(hmac(key(secret), id, Long.toString(timestamp), body));
    }

    private static byte[] key(String secret) {
        String b64 = secret.startsWith("whsec_") ? secret.substring("whsec_".length()) : secret;
        try {
            return Base64.getDecoder().decode(b64);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("the secret is not whsec_<base64>", e);
        }
    }

    private static byte[] hmac(byte[] key, String id, String timestamp, byte[] body) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(key, "HmacSHA256"));
            mac.update((id + "." + timestamp + ".").getBytes(StandardCharsets.UTF_8));
            return mac.doFinal(body);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 is part of every JDK", e);
        }
    }

    /** Header names are case-insensitive; values may be a String or a List (servlet / JDK HttpServer style). */
    private static String header(Map<String, ?> headers, String name) {
        for (Map.Entry<String, ?> e : headers.entrySet()) {
            if (e.getKey() != null && e.getKey().toLowerCase(Locale.ROOT).equals(name)) {
                Object v = e.getValue();
                if (v instanceof List<?> list && !list.isEmpty()) {
                    v = list.get(0);
                }
                if (v instanceof String s && !s.isBlank()) {
                    return s;
                }
            }
        }
        throw new WebhookVerificationException("missing header " + name);
    }

    /** The webhook is not authentic (or too old): answer 400/401 and do not process it. */
    public static final class WebhookVerificationException extends RuntimeException {
        public WebhookVerificationException(String message) {
            super(message);
        }
    }
}
