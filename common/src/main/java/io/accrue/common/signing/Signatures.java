package io.accrue.common.signing;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * The {@code Accrue-Signature} scheme, the same in both directions (usage events in, alerts out, and
 * subscription-service's notifications): {@code t=<unix seconds>,v1=<hex HMAC-SHA256 of "t.body">}. It is
 * Stripe's scheme, so a gateway that verifies Stripe webhooks already knows it. Several {@code v1} entries may be
 * sent (one per secret while a secret is being rotated); one match is enough. Pure: no CDI, no clock of its own.
 */
public final class Signatures {

    public static final String HEADER = "Accrue-Signature";

    /** Why a signature was refused; each maps to a stable error code. */
    public enum Outcome {
        VALID, MISSING, INVALID, EXPIRED
    }

    private Signatures() {
    }

    /** The header value for {@code body} signed with {@code secret} at {@code timestamp} (unix seconds). */
    public static String header(String secret, long timestamp, byte[] body) {
        return "t=" + timestamp + ",v1=" + HexFormat.of().formatHex(mac(secret, timestamp, body));
    }

    public static String header(String secret, long timestamp, String body) {
        return header(secret, timestamp, body.getBytes(StandardCharsets.UTF_8));
    }

    /**
     * Checks a header against any of the client's secrets. A matching signature whose timestamp is further than
     * {@code tolerance} from {@code now} (either way) is {@link Outcome#EXPIRED}: a captured request cannot be
     * replayed later, and within the tolerance a replay is a duplicate event id anyway.
     */
    public static Outcome verify(String header, byte[] body, List<String> secrets, Instant now, Duration tolerance) {
        if (header == null || header.isBlank()) {
            return Outcome.MISSING;
        }
        Long timestamp = null;
        List<byte[]> candidates = new ArrayList<>();
        for (String part : header.split(",")) {
            int eq = part.indexOf('=');
            if (eq <= 0) {
                return Outcome.INVALID;
            }
            String key = part.substring(0, eq).trim();
            String value = part.substring(eq + 1).trim();
            if ("t".equals(key)) {
                if (timestamp != null || !value.matches("\\d{1,12}")) {
                    return Outcome.INVALID;
                }
                timestamp = Long.parseLong(value);
            } else if ("v1".equals(key)) {
                if (!value.matches("[0-9a-fA-F]{64}")) {
                    return Outcome.INVALID;
                }
                candidates.add(HexFormat.of().parseHex(value.toLowerCase(java.util.Locale.ROOT)));
            }
            // other schemes (v0, future versions) are ignored, as Stripe does
        }
        if (timestamp == null || candidates.isEmpty()) {
            return Outcome.INVALID;
        }
        boolean matches = false;
        for (String secret : secrets) {
            byte[] expected = mac(secret, timestamp, body);
            for (byte[] candidate : candidates) {
                // constant time, so the comparison does not reveal how many leading bytes were right
                matches |= MessageDigest.isEqual(expected, candidate);
            }
        }
        if (!matches) {
            return Outcome.INVALID;
        }
        long skew = Math.abs(now.getEpochSecond() - timestamp);
        return skew > tolerance.toSeconds() ? Outcome.EXPIRED : Outcome.VALID;
    }

    private static byte[] mac(String secret, long timestamp, byte[] body) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
            mac.update((timestamp + ".").getBytes(StandardCharsets.UTF_8));
            return mac.doFinal(body);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HMAC-SHA256 unavailable", e);
        }
    }
}
