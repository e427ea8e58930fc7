package io.accrue.common.security.apikey;

import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.Optional;
import java.util.zip.CRC32;

import io.accrue.common.security.Environment;

/**
 * The format of an Accrue API key, pure: {@code acr_<live|test>_<43 base62 characters: 256 random bits><6 base62
 * characters: CRC32 of everything before them>}, 58 characters in all.
 *
 * <p>
 * The prefix lets people and secret scanners recognise a key (and its environment) at a glance; the checksum lets a
 * scanner tell a real key from a look-alike without asking us, and lets the HTTP edge refuse a mistyped or truncated
 * key before anything is looked up. Only the {@link #hash} of a key is ever stored: SHA-256, unsalted, because a key
 * carries 256 bits from {@link SecureRandom} — nobody can guess one or search for it by brute force, so a slow
 * password hash (bcrypt, Argon2) would only cost CPU on every verification, and a deterministic hash is what lets a
 * key be found by an index lookup.
 */
public final class ApiKeys {

    public static final String PREFIX = "acr_";
    static final int SECRET_CHARS = 43; // 62^43 > 2^256
    static final int CHECKSUM_CHARS = 6; // 62^6 > 2^32
    public static final int LENGTH = PREFIX.length() + 5 + SECRET_CHARS + CHECKSUM_CHARS;
    private static final String ALPHABET = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";
    private static final BigInteger BASE = BigInteger.valueOf(62);
    private static final SecureRandom RANDOM = new SecureRandom();

    private ApiKeys() {
    }

    /** A new key for {@code environment}: shown once to its creator, never stored. */
    public static String generate(Environment environment) {
        byte[] secret = new byte[32];
        RANDOM.nextBytes(secret);
        String head = PREFIX + environment.wireName() + "_" + base62(new BigInteger(1, secret), SECRET_CHARS);
        return head + checksum(head);
    }

    /** True when {@code value} looks like an API key at all (its prefix), valid or not. */
    public static boolean looksLikeKey(String value) {
        return value != null && value.startsWith(PREFIX);
    }

    /** The key's environment when it is well formed (prefix, length, alphabet, checksum); empty otherwise. */
    public static Optional<Environment> parse(String key) {
        if (key == null || key.length() != LENGTH || !key.startsWith(PREFIX) || key.charAt(8) != '_') {
            return Optional.empty();
        }
        Optional<Environment> env = switch (key.substring(4, 8)) {
            case "live" -> Optional.of(Environment.LIVE);
            case "test" -> Optional.of(Environment.TEST);
            default -> Optional.empty();
        };
        if (env.isEmpty()) {
            return env;
        }
        for (int i = 9; i < LENGTH; i++) {
            if (ALPHABET.indexOf(key.charAt(i)) < 0) {
                return Optional.empty();
            }
        }
        String head = key.substring(0, LENGTH - CHECKSUM_CHARS);
        return checksum(head).equals(key.substring(LENGTH - CHECKSUM_CHARS)) ? env : Optional.empty();
    }

    /** What is stored and looked up: the lower-case hex SHA-256 of the whole key. */
    public static String hash(String key) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256")
                    .digest(key.getBytes(StandardCharsets.US_ASCII)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every JDK", e);
        }
    }

    /** What a list shows so people can tell keys apart: the prefix, the first and the last four characters. */
    public static String hint(String key) {
        return key.substring(0, 13) + "…" + key.substring(LENGTH - 4);
    }

    static String checksum(String head) {
        CRC32 crc = new CRC32();
        crc.update(head.getBytes(StandardCharsets.US_ASCII));
        return base62(BigInteger.valueOf(crc.getValue()), CHECKSUM_CHARS);
    }

    private static String base62(BigInteger value, int width) {
        char[] out = new char[width];
        BigInteger rest = value;
        for (int i = width - 1; i >= 0; i--) {
            BigInteger[] qr = rest.divideAndRemainder(BASE);
            out[i] = ALPHABET.charAt(qr[1].intValue());
            rest = qr[0];
        }
        if (rest.signum() != 0) {
            throw new IllegalArgumentException("value does not fit " + width + " base62 characters");
        }
        return new String(out);
    }
}
