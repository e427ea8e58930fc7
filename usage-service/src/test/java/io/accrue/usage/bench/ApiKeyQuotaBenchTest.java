package io.accrue.usage.bench;

import java.net.URL;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import io.accrue.common.security.Environment;
import io.accrue.common.security.Roles;
import io.accrue.testing.TestTokens;
import io.accrue.usage.apikey.ApiKeyStub;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;

/**
 * Quota checks with an API key against the same checks with a token (issue 20.1: the quota path stays fast with
 * keys). Not part of the normal run (tag {@code bench}):
 * {@code ./mvnw -B verify -pl usage-service -am -Pbench -Dtest=ApiKeyQuotaBenchTest}. Rounds alternate the two
 * credentials so both meet the same machine load; closed loop, 8 kept-alive connections; prints p50 / p99 of each.
 */
@QuarkusTest
@Tag("bench")
class ApiKeyQuotaBenchTest {

    static final int ROUNDS = Integer.getInteger("bench.keyRounds", 6);
    static final int CHECKS = Integer.getInteger("bench.keyChecks", 3000);
    static final int WORKERS = 8;

    @TestHTTPResource("/")
    URL base;

    @Test
    void run() throws Exception {
        String org = "keybench-org";
        String token = TestTokens.as(Roles.USAGE_REPORTER).org(org).environment("live").bearer();
        String key = "Bearer " + ApiKeyStub.issue(org, Environment.LIVE, "usage-reporter");
        checks(token, CHECKS); // warm-up of both paths
        checks(key, CHECKS);
        List<long[]> byToken = new ArrayList<>();
        List<long[]> byKey = new ArrayList<>();
        for (int r = 0; r < ROUNDS; r++) {
            byToken.add(checks(token, CHECKS));
            byKey.add(checks(key, CHECKS));
        }
        long[] t = merge(byToken);
        long[] k = merge(byKey);
        System.out.printf(Locale.ROOT, "quota check by token: %d checks, p50 %.2f ms, p99 %.2f ms%n", t.length,
                pct(t, 0.5), pct(t, 0.99));
        System.out.printf(Locale.ROOT, "quota check by API key: %d checks, p50 %.2f ms, p99 %.2f ms%n", k.length,
                pct(k, 0.5), pct(k, 0.99));
    }

    /** Latencies in microseconds of {@code n} closed-loop checks over {@link #WORKERS} connections. */
    private long[] checks(String authorization, int n) throws Exception {
        byte[][] requests = new byte[200][];
        for (int u = 0; u < requests.length; u++) {
            requests[u] = RawHttp.get(base, "/v1/quota/check?endUserId=u-" + u, authorization);
        }
        long[] lat = new long[n];
        AtomicInteger next = new AtomicInteger();
        ExecutorService pool = Executors.newFixedThreadPool(WORKERS);
        List<Future<?>> fs = new ArrayList<>();
        for (int w = 0; w < WORKERS; w++) {
            RawHttp connection = new RawHttp(base);
            fs.add(pool.submit(() -> {
                try (RawHttp http = connection) {
                    int i;
                    while ((i = next.getAndIncrement()) < n) {
                        long start = System.nanoTime();
                        RawHttp.Response r = http.send(requests[i % requests.length]);
                        lat[i] = (System.nanoTime() - start) / 1000;
                        if (r.status() != 200) {
                            throw new IllegalStateException("quota answered " + r.status() + ": " + r.text());
                        }
                    }
                }
                return null;
            }));
        }
        for (Future<?> f : fs) {
            f.get();
        }
        pool.shutdown();
        return lat;
    }

    private static long[] merge(List<long[]> parts) {
        long[] all = parts.stream().flatMapToLong(Arrays::stream).toArray();
        Arrays.sort(all);
        return all;
    }

    private static double pct(long[] sorted, double p) {
        return sorted[Math.min(sorted.length - 1, (int) Math.ceil(p * sorted.length) - 1)] / 1000.0;
    }
}
