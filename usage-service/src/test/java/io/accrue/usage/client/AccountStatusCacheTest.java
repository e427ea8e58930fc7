package io.accrue.usage.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.lang.reflect.Proxy;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;

import org.junit.jupiter.api.Test;

import io.accrue.common.time.WallTime;
import io.accrue.usage.config.UsageConfig;

/** The account-status cache keeps subscription-service's latency and outages off the quota check. */
class AccountStatusCacheTest {

    /** A client whose answers the test scripts, counting the calls. */
    static class ScriptedClient extends AccountStatusClient {
        final AtomicInteger calls = new AtomicInteger();
        volatile Function<String, AccountStatus> answer;

        ScriptedClient(Function<String, AccountStatus> answer) {
            super(null);
            this.answer = answer;
        }

        @Override
        public AccountStatus fetch(String orgId) {
            calls.incrementAndGet();
            return answer.apply(orgId);
        }
    }

    /** Time the test moves by hand: entries age without sleeping. */
    static class FakeTicker extends WallTime {
        private final Instant origin = Instant.now();

        volatile long nanos = 1_000_000_000L;

        @Override
        public Instant now() {
            return origin.plusNanos(nanos);
        }

        void advance(Duration d) {
            nanos += d.toNanos();
        }
    }

    static final Duration MAX_STALE = Duration.ofMinutes(10);

    private static UsageConfig ttl(Duration ttl) {
        UsageConfig.Quota quota = (UsageConfig.Quota) Proxy.newProxyInstance(UsageConfig.class.getClassLoader(),
                new Class<?>[]{UsageConfig.Quota.class},
                (p, m, a) -> m.getName().equals("accountStatusMaxStale") ? MAX_STALE : ttl);
        return (UsageConfig) Proxy.newProxyInstance(UsageConfig.class.getClassLoader(),
                new Class<?>[]{UsageConfig.class}, (p, m, a) -> quota);
    }

    private final FakeTicker ticker = new FakeTicker();

    private AccountStatusCache cache(ScriptedClient client, Duration ttl) {
        return new AccountStatusCache(client, ttl(ttl), ticker);
    }

    @Test
    void aKnownSuspensionStaysInForceWhileTheLookupFailsUpToTheStalenessBound() {
        ScriptedClient client = new ScriptedClient(org -> new AccountStatus(org, "suspended"));
        AccountStatusCache cache = cache(client, Duration.ofSeconds(30));
        assertEquals("suspended", cache.status("o").status());
        client.answer = org -> new AccountStatus(org, "unknown"); // what the client's timeout/circuit fallback gives
        ticker.advance(Duration.ofSeconds(31));
        assertEquals("suspended", cache.status("o").status(), "the lookup failed: the last known status holds");
        assertEquals(2, client.calls.get());
        ticker.advance(Duration.ofSeconds(1));
        assertEquals("suspended", cache.status("o").status());
        assertEquals(2, client.calls.get(), "a failed lookup is retried after RETRY_AFTER, not on every check");
        ticker.advance(AccountStatusCache.RETRY_AFTER);
        assertEquals("suspended", cache.status("o").status());
        assertEquals(3, client.calls.get());
        // the bound counts from the last real answer (t = 0), not from the last failed retry
        ticker.advance(MAX_STALE.minus(Duration.ofSeconds(34)));
        assertEquals("suspended", cache.status("o").status(), "exactly at the bound: still the last known status");
        ticker.advance(Duration.ofSeconds(1));
        assertEquals("unknown", cache.status("o").status(), "older than the bound: no longer trusted");
    }

    @Test
    void anExceptionFromTheLookupAlsoKeepsTheLastKnownStatus() {
        ScriptedClient client = new ScriptedClient(org -> new AccountStatus(org, "suspended"));
        AccountStatusCache cache = cache(client, Duration.ofSeconds(30));
        cache.status("o");
        client.answer = org -> {
            throw new IllegalStateException("boom");
        };
        ticker.advance(Duration.ofSeconds(31));
        assertEquals("suspended", cache.status("o").status());
        client.answer = org -> new AccountStatus(org, "active");
        ticker.advance(AccountStatusCache.RETRY_AFTER);
        assertEquals("active", cache.status("o").status(), "a real answer replaces the last known one");
    }

    @Test
    void aServerErrorKeepsTheLastKnownStatusAndA404IsAnAnswer() {
        ScriptedClient client = new ScriptedClient(org -> new AccountStatus(org, "suspended"));
        AccountStatusCache cache = cache(client, Duration.ofSeconds(30));
        cache.status("o");
        client.answer = org -> {
            throw new jakarta.ws.rs.WebApplicationException(503);
        };
        ticker.advance(Duration.ofSeconds(31));
        assertEquals("suspended", cache.status("o").status());
        client.answer = org -> {
            throw new jakarta.ws.rs.WebApplicationException(404);
        };
        ticker.advance(AccountStatusCache.RETRY_AFTER);
        assertEquals("none", cache.status("o").status(), "no account is an answer, not a failure");
    }

    @Test
    void anUnknownAnswerIsKeptBrieflyInsteadOfAskingOnEveryCheck() throws Exception {
        ScriptedClient client = new ScriptedClient(org -> new AccountStatus(org, "unknown"));
        AccountStatusCache cache = cache(client, Duration.ofSeconds(30));
        for (int i = 0; i < 100; i++) {
            assertEquals("unknown", cache.status("o").status());
        }
        assertEquals(1, client.calls.get());
        client.answer = org -> new AccountStatus(org, "active");
        ticker.advance(AccountStatusCache.RETRY_AFTER);
        assertEquals("active", cache.status("o").status(), "a recovery is seen once the short TTL has passed");
        assertEquals(2, client.calls.get());
    }

    @Test
    void whileOneCheckRefreshesAnExpiredStatusTheOthersAnswerFromTheLastOne() throws Exception {
        CountDownLatch asking = new CountDownLatch(1), release = new CountDownLatch(1);
        ScriptedClient client = new ScriptedClient(org -> new AccountStatus(org, "active"));
        AccountStatusCache cache = cache(client, Duration.ofMillis(50));
        assertEquals("active", cache.status("o").status());
        ticker.advance(Duration.ofMillis(100));
        client.answer = org -> {
            asking.countDown();
            try {
                release.await(5, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                throw new IllegalStateException(e);
            }
            return new AccountStatus(org, "suspended");
        };
        ExecutorService pool = Executors.newSingleThreadExecutor();
        Future<AccountStatus> refresher = pool.submit(() -> cache.status("o"));
        asking.await(5, TimeUnit.SECONDS);
        assertEquals("active", cache.status("o").status(), "served from the last status, not blocked");
        release.countDown();
        assertEquals("suspended", refresher.get(5, TimeUnit.SECONDS).status());
        assertEquals("suspended", cache.status("o").status());
        assertEquals(2, client.calls.get());
        pool.shutdown();
    }

    @Test
    void aFailedRefreshWithoutAnyKnownStatusLetsTheNextCheckAskAgain() throws Exception {
        ScriptedClient client = new ScriptedClient(org -> {
            throw new IllegalStateException("boom");
        });
        AccountStatusCache cache = cache(client, Duration.ofMillis(50));
        assertThrows(IllegalStateException.class, () -> cache.status("o"));
        client.answer = org -> new AccountStatus(org, "suspended");
        assertEquals("suspended", cache.status("o").status());
    }
}
