package io.accrue.common.security;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;

import org.junit.jupiter.api.Test;

import io.quarkus.security.identity.SecurityIdentity;
import io.quarkus.security.runtime.QuarkusPrincipal;
import io.quarkus.security.runtime.QuarkusSecurityIdentity;

class VerifiedTokenCacheTest {

    static final Instant T0 = Instant.parse("2026-11-25T12:00:00Z");

    /** A clock the test moves. */
    static final class MovingClock extends Clock {
        Instant now = T0;

        @Override
        public Instant instant() {
            return now;
        }

        @Override
        public ZoneOffset getZone() { return ZoneOffset.UTC; }

        @Override
        public Clock withZone(java.time.ZoneId zone) {
            return this;
        }
    }

    final MovingClock clock = new MovingClock();

    static SecurityIdentity identity(String name) {
        return QuarkusSecurityIdentity.builder().setPrincipal(new QuarkusPrincipal(name)).addRole("usage-reporter")
                .build();
    }

    static long epoch(Instant i) {
        return i.getEpochSecond();
    }

    @Test
    void servesTheSameTokenUntilTheTtlAndVerifiesItAgainAfter() {
        var cache = new VerifiedTokenCache(Duration.ofSeconds(60), 100, clock);
        SecurityIdentity alice = identity("alice");
        cache.put("token-a", alice, epoch(T0.plusSeconds(3600)));

        assertSame(alice, cache.get("token-a"));
        clock.now = T0.plusSeconds(59);
        assertSame(alice, cache.get("token-a"));
        clock.now = T0.plusSeconds(60);
        assertNull(cache.get("token-a"));
        assertEquals(0, cache.size());
        assertEquals(2, cache.hits());
    }

    @Test
    void neverServesATokenPastItsOwnExpiry() {
        var cache = new VerifiedTokenCache(Duration.ofMinutes(5), 100, clock);
        cache.put("short", identity("bob"), epoch(T0.plusSeconds(10)));
        clock.now = T0.plusSeconds(9);
        assertNotNull(cache.get("short"));
        clock.now = T0.plusSeconds(10);
        assertNull(cache.get("short"));

        cache.put("already-expired", identity("carol"), epoch(T0));
        assertNull(cache.get("already-expired"));
        cache.put("no-exp-claim", identity("dave"), 0);
        assertNull(cache.get("no-exp-claim"));
    }

    @Test
    void onlyTheExactTokenHits() {
        var cache = new VerifiedTokenCache(Duration.ofMinutes(1), 100, clock);
        cache.put("header.payload.signature", identity("alice"), epoch(T0.plusSeconds(3600)));
        assertNull(cache.get("header.payload.signaturf"));
        assertNull(cache.get("header.payload.signature "));
        assertNull(cache.get("header.payload"));
        assertNotNull(cache.get("header.payload.signature"));
    }

    @Test
    void staysWithinItsBoundAndMakesRoomOnceEntriesExpire() {
        var cache = new VerifiedTokenCache(Duration.ofSeconds(30), 3, clock);
        for (int i = 0; i < 3; i++) {
            cache.put("t" + i, identity("u" + i), epoch(T0.plusSeconds(3600)));
        }
        cache.put("t3", identity("u3"), epoch(T0.plusSeconds(3600)));
        assertEquals(3, cache.size());
        assertNull(cache.get("t3"), "full of live entries: not kept, verified in full next time");

        clock.now = T0.plusSeconds(31);
        cache.put("t4", identity("u4"), epoch(T0.plusSeconds(3600)));
        assertEquals(1, cache.size());
        assertNotNull(cache.get("t4"));
    }

    @Test
    void aZeroTtlTurnsItOff() {
        var cache = new VerifiedTokenCache(Duration.ZERO, 100, clock);
        cache.put("token", identity("alice"), epoch(T0.plusSeconds(3600)));
        assertFalse(cache.enabled());
        assertNull(cache.get("token"));
        assertEquals(0, cache.size());
    }

    @Test
    void keysAreDigestsNotTokens() {
        // SHA-256("abc"), the FIPS 180-2 test vector, in Base64
        assertEquals("ungWv48Bz+pBQUDeXa4iI7ADYaOWF3qctBD/YfIAFa0=", VerifiedTokenCache.key("abc"));
    }
}
