package io.accrue.common.signing;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Outbound billing events signed per the Standard Webhooks specification (standardwebhooks.com), so a receiver can
 * verify them with any of that project's libraries: headers {@code webhook-id}, {@code webhook-timestamp} (unix
 * seconds) and {@code webhook-signature} = {@code v1,<base64 HMAC-SHA256(key, "id.timestamp.body")>}, where the key
 * is the base64 part of a {@code whsec_…} secret. Several signatures may be sent space-separated (one per secret
 * while a secret is rotated); one match is enough. Pure: no CDI, no clock of its own.
 */
public final class StandardWebhooks {

    public static final String ID = "webhook-id";
    public static final String TIMESTAMP = "webhook-timestamp";
    public static final String SIGNATURE = "webhook-signature";
    public static final String PREFIX = "whsec_";
    /** The spec's recommended tolerance: a captured request cannot be replayed later than this. */
    public static final Duration TOLERANCE = Duration.ofMinutes(5);

    private static final SecureRandom RANDOM = new SecureRandom();

    /** Why a delivery was refused by {@link #verify}. */
    public enum Outcome {
        VALID, MISSING, INVALID, EXPIRED
    }

    private StandardWebhooks() {
    }

    /** A fresh secret: {@code whsec_} plus 32 random bytes (256 bits, the HMAC-SHA256 key size) in base64. */
    public static String newSecret() {
        byte[] key = new byte[32];
        RANDOM.nextBytes(key);
        return PREFIX + Base64.getEncoder().encodeToString(key);
    }

    /** {@code v1,<base64>} for one secret. */
    public static String sign(String secret, String id, long timestamp, String body) {
        return "v1," + Base64.getEncoder().encodeToString(mac(key(secret), id, timestamp, body));
    }

    /** The three headers of a delivery, signed with every given secret (the current one first). */
    public static Map<String, String> headers(List<String> secrets, String id, long timestamp, String body) {
        if (secrets.isEmpty()) {
            throw new IllegalArgumentException("at least one secret is needed");
        }
        StringBuilder signatures = new StringBuilder();
        for (String secret : secrets) {
            if (!signatures.isEmpty()) {
                signatures.append(' ');
            }
            signatures.append(sign(secret, id, timestamp, body));
        }
        Map<String, String> headers = new LinkedHashMap<>();
        headers.put(ID, id);
        headers.put(TIMESTAMP, Long.toString(timestamp));
        headers.put(SIGNATURE, signatures.toString());
        return headers;
    }

    /**
     * The receiver's check: any {@code v1} signature in the header matching {@code secret} (constant-time), and a
     * timestamp within {@code tolerance} of {@code now} either way. Unknown versions (e.g. {@code v1a}) are ignored.
     */
    public static Outcome verify(String secret, String id, String timestamp, String signatureHeader, String body,
            Instant now, Duration tolerance) {
        if (id == null || timestamp == null || signatureHeader == null || signatureHeader.isBlank()) {
            return Outcome.MISSING;
        }
        if (!timestamp.matches("\\d{1,12}")) {
            return Outcome.INVALID;
        }
        long ts = Long.parseLong(timestamp);
        byte[] expected = mac(key(secret), id, ts, body);
        boolean matches = false;
        for (String entry : signatureHeader.trim().split(" +")) {
            int comma = entry.indexOf(',');
            if (comma <= 0 || !"v1".equals(entry.substring(0, comma))) {
                continue;
            }
            byte[] candidate;
            try {
                candidate = Base64.getDecoder().decode(entry.substring(comma + 1));
            } catch (IllegalArgumentException e) {
                continue;
            }
            matches |= MessageDigest.isEqual(expected, candidate);
        }
        if (!matches) {
            return Outcome.INVALID;
        }
        return Math.abs(now.getEpochSecond() - ts) > tolerance.toSeconds() ? Outcome.EXPIRED : Outcome.VALID;
    }

    /** The HMAC key of a {@code whsec_} secret (the prefix is optional, as in the spec's libraries). */
    static byte[] key(String secret) {
        String encoded = secret.startsWith(PREFIX) ? secret.substring(PREFIX.length()) : secret;
        try {
            return Base64.getDecoder().decode(encoded);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("a webhook secret is whsec_ followed by base64", e);
        }
    }

    private static byte[] mac(byte[] key, String id, long timestamp, String body) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(key, "HmacSHA256"));
            mac.update((id + "." + timestamp + ".").getBytes(StandardCharsets.UTF_8));
            return mac.doFinal(body.getBytes(StandardCharsets.UTF_8));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HMAC-SHA256 unavailable", e);
        }
    }
}
