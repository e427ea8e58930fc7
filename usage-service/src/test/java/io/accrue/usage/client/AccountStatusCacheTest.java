package io.accrue.usage.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.lang.reflect.Proxy;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;

import org.junit.jupiter.api.Test;

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

    private static UsageConfig ttl(Duration ttl) {
        UsageConfig.Quota quota = (UsageConfig.Quota) Proxy.newProxyInstance(UsageConfig.class.getClassLoader(),
                new Class<?>[]{UsageConfig.Quota.class}, (p, m, a) -> ttl);
        return (UsageConfig) Proxy.newProxyInstance(UsageConfig.class.getClassLoader(),
                new Class<?>[]{UsageConfig.class}, (p, m, a) -> quota);
    }

    @Test
    void anUnknownAnswerIsKeptBrieflyInsteadOfAskingOnEveryCheck() throws Exception {
        ScriptedClient client = new ScriptedClient(org -> new AccountStatus(org, "unknown"));
        AccountStatusCache cache = new AccountStatusCache(client, ttl(Duration.ofSeconds(30)));
        for (int i = 0; i < 100; i++) {
            assertEquals("unknown", cache.status("o").status());
        }
        assertEquals(1, client.calls.get());
        client.answer = org -> new AccountStatus(org, "active");
        Thread.sleep(AccountStatusCache.UNKNOWN_TTL.toMillis() + 100);
        assertEquals("active", cache.status("o").status(), "a recovery is seen once the short TTL has passed");
        assertEquals(2, client.calls.get());
    }

    @Test
    void whileOneCheckRefreshesAnExpiredStatusTheOthersAnswerFromTheLastOne() throws Exception {
        CountDownLatch asking = new CountDownLatch(1), release = new CountDownLatch(1);
        ScriptedClient client = new ScriptedClient(org -> new AccountStatus(org, "active"));
        AccountStatusCache cache = new AccountStatusCache(client, ttl(Duration.ofMillis(50)));
        assertEquals("active", cache.status("o").status());
        Thread.sleep(100);
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
    void aFailedRefreshLetsTheNextCheckAskAgain() throws Exception {
        ScriptedClient client = new ScriptedClient(org -> new AccountStatus(org, "active"));
        AccountStatusCache cache = new AccountStatusCache(client, ttl(Duration.ofMillis(50)));
        cache.status("o");
        Thread.sleep(100);
        client.answer = org -> {
            throw new IllegalStateException("boom");
        };
        assertThrows(IllegalStateException.class, () -> cache.status("o"));
        client.answer = org -> new AccountStatus(org, "suspended");
        assertEquals("suspended", cache.status("o").status());
    }
}
