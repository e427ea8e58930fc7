package io.accrue.common.security;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.Duration;
import java.util.Base64;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import io.accrue.common.time.WallTime;
import io.quarkus.security.identity.SecurityIdentity;

/**
 * Identities of bearer tokens that quarkus-oidc has already verified, by the SHA-256 of the exact token, until the
 * earlier of the token's expiry and {@link SecurityConfig.TokenCache#ttl()}.
 *
 * <p>
 * A gateway sends the same client-credentials token with every quota check and usage batch for the token's
 * lifetime. Verifying it again each time (decode, parse the JSON twice, check the RSA signature) was most of a
 * quota check's CPU and ~150 KB of allocation per request, enough garbage to put G1 pauses into the p99. A hit
 * requires the byte-for-byte same token, so a changed signature, claim or expiry is a miss and is verified in full;
 * entries are keyed by a digest so neither the map nor its timing says anything about a token's bytes.
 *
 * <p>
 * Expiry is judged by the system clock, as quarkus-oidc judges it, not by the adjustable business {@link Clock} the
 * rest of the service uses.
 */
@ApplicationScoped
public class VerifiedTokenCache {

    private record Entry(SecurityIdentity identity, long validUntilMillis) {}

    private final ConcurrentHashMap<String, Entry> entries = new ConcurrentHashMap<>();
    private final long ttlMillis;
    private final int maxEntries;
    private final Clock clock;
    private final LongAdder hits = new LongAdder();
    private volatile long nextSweepMillis;

    @Inject
    VerifiedTokenCache(SecurityConfig config, WallTime wallTime) {
        this(config.tokenCache().ttl(), config.tokenCache().maxEntries(), wallTime.clock());
    }

    VerifiedTokenCache(Duration ttl, int maxEntries, Clock clock) {
        this.ttlMillis = ttl.toMillis();
        this.maxEntries = maxEntries;
        this.clock = clock;
    }

    /** A cache of its own with these bounds (API keys are cached for a shorter time than tokens). */
    public static VerifiedTokenCache of(Duration ttl, int maxEntries, Clock clock) {
        return new VerifiedTokenCache(ttl, maxEntries, clock);
    }

    public boolean enabled() {
        return ttlMillis > 0 && maxEntries > 0;
    }

    /** The identity verified for exactly this token, or null when there is none or it is no longer valid. */
    public SecurityIdentity get(String token) {
        if (!enabled()) {
            return null;
        }
        String key = key(token);
        Entry e = entries.get(key);
        if (e == null) {
            return null;
        }
        if (e.validUntilMillis() <= clock.millis()) {
            entries.remove(key, e);
            return null;
        }
        hits.increment();
        return e.identity();
    }

    /** Keeps what quarkus-oidc verified for {@code token}, which expires at {@code expiresAtEpochSecond}. */
    public void put(String token, SecurityIdentity identity, long expiresAtEpochSecond) {
        if (!enabled()) {
            return;
        }
        long now = clock.millis();
        long until = Math.min(now + ttlMillis, Math.multiplyExact(expiresAtEpochSecond, 1000L));
        if (until <= now) {
            return;
        }
        if (entries.size() >= maxEntries && !sweep(now)) {
            return; // full of live entries: verify in full rather than grow without bound
        }
        entries.put(key(token), new Entry(identity, until));
    }

    /** Tokens served without verifying them again, since start. */
    public long hits() {
        return hits.sum();
    }

    public int size() {
        return entries.size();
    }

    /** Drops expired entries, at most once a second; true when there is room afterwards. */
    private boolean sweep(long now) {
        if (now >= nextSweepMillis) {
            nextSweepMillis = now + 1000;
            entries.values().removeIf(e -> e.validUntilMillis() <= now);
        }
        return entries.size() < maxEntries;
    }

    static String key(String token) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(token.getBytes(StandardCharsets.US_ASCII));
            return Base64.getEncoder().encodeToString(digest);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every JDK", e);
        }
    }
}
