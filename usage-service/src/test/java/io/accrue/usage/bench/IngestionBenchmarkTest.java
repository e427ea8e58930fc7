package io.accrue.usage.bench;

import java.io.IOException;
import java.net.URI;
import java.net.URL;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import jakarta.inject.Inject;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import io.accrue.common.security.Roles;
import io.accrue.testing.TestTokens;
import io.agroal.api.AgroalDataSource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;

/**
 * The benchmark of issue item 10; not part of the normal test run (tag {@code bench}). Run it with
 * {@code ./mvnw -B verify -pl usage-service -Pbench} — see usage-service/README.md. It drives batched ingestion
 * over HTTP (idempotency, rating, rollups and quota counters included), paced concurrent quota checks, and in the
 * same run the raw PostgreSQL rate for inserting the same rows into usage_events (the ceiling), then writes
 * docs/benchmarks.md.
 */
@QuarkusTest
@Tag("bench")
class IngestionBenchmarkTest {

    static final int BATCH = 1000;
    static final int CLIENTS = Integer.getInteger("bench.clients", 4);
    static final int BATCHES = Integer.getInteger("bench.batches", 200);
    static final int QUOTA_RATE = Integer.getInteger("bench.quotaRate", 1000);
    static final int QUOTA_SECONDS = Integer.getInteger("bench.quotaSeconds", 10);

    @TestHTTPResource("/")
    URL base;
    @Inject
    AgroalDataSource dataSource;

    private String loadBefore;
    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

    @Test
    void run() throws Exception {
        loadBefore = Files.readString(Path.of("/proc/loadavg")).strip();
        String token = TestTokens.as(Roles.USAGE_REPORTER).org("bench-org").environment("live").bearer();
        // Warm-up: JIT, connection pool, catalog cache.
        ingest(token, "warm", 30, 2);
        quota(token, 500, 2);

        Result ingest = ingest(token, "run", BATCHES, CLIENTS);
        Result replay = ingest(token, "run", Math.min(BATCHES, 50), CLIENTS); // all duplicates
        Result raw = rawInsert(BATCHES, CLIENTS);
        Result quota = quota(token, QUOTA_RATE, QUOTA_SECONDS);
        write(ingest, replay, raw, quota);
    }

    record Result(long events, double seconds, long[] latenciesMicros) {
        double perSecond() {
            return events / seconds;
        }

        double pct(double p) {
            long[] s = latenciesMicros.clone();
            Arrays.sort(s);
            return s.length == 0 ? 0 : s[Math.min(s.length - 1, (int) Math.ceil(p * s.length) - 1)] / 1000.0;
        }
    }

    private Result ingest(String token, String prefix, int batches, int clients) throws Exception {
        List<String> bodies = new ArrayList<>(batches);
        for (int b = 0; b < batches; b++) {
            bodies.add(batch(prefix + "-" + b));
        }
        long[] lat = new long[batches];
        AtomicInteger next = new AtomicInteger();
        ExecutorService pool = Executors.newFixedThreadPool(clients);
        long start = System.nanoTime();
        List<Future<?>> fs = new ArrayList<>();
        for (int c = 0; c < clients; c++) {
            fs.add(pool.submit(() -> {
                int i;
                while ((i = next.getAndIncrement()) < batches) {
                    long t0 = System.nanoTime();
                    HttpResponse<String> r = post("/v1/usage-events", token, bodies.get(i));
                    lat[i] = (System.nanoTime() - t0) / 1000;
                    if (r.statusCode() != 200) {
                        throw new IllegalStateException("batch answered " + r.statusCode() + ": " + r.body());
                    }
                }
                return null;
            }));
        }
        for (Future<?> f : fs) {
            f.get();
        }
        double secs = (System.nanoTime() - start) / 1e9;
        pool.shutdown();
        return new Result((long) batches * BATCH, secs, lat);
    }

    /** Open-loop paced checks: latency measured from each request's scheduled start (no coordinated omission). */
    private Result quota(String token, int rate, int seconds) throws Exception {
        int total = rate * seconds;
        long[] lat = new long[total];
        int workers = 16;
        ExecutorService pool = Executors.newFixedThreadPool(workers);
        long start = System.nanoTime();
        long intervalNanos = 1_000_000_000L / rate;
        AtomicInteger next = new AtomicInteger();
        List<Future<?>> fs = new ArrayList<>();
        for (int w = 0; w < workers; w++) {
            fs.add(pool.submit(() -> {
                int i;
                while ((i = next.getAndIncrement()) < total) {
                    long due = start + i * intervalNanos;
                    long wait = due - System.nanoTime();
                    if (wait > 0) {
                        TimeUnit.NANOSECONDS.sleep(wait);
                    }
                    HttpRequest req = HttpRequest
                            .newBuilder(URI.create(base + "v1/quota/check?endUserId=u-" + (i % 500)))
                            .header("Authorization", token).GET().build();
                    HttpResponse<String> r = http.send(req, HttpResponse.BodyHandlers.ofString());
                    lat[i] = (System.nanoTime() - due) / 1000;
                    if (r.statusCode() != 200 && r.statusCode() != 429) {
                        throw new IllegalStateException("quota answered " + r.statusCode() + ": " + r.body());
                    }
                }
                return null;
            }));
        }
        for (Future<?> f : fs) {
            f.get();
        }
        double secs = (System.nanoTime() - start) / 1e9;
        pool.shutdown();
        return new Result(total, secs, lat);
    }

    /** The ceiling: the same rows straight into usage_events, 1,000 per statement, same concurrency, no HTTP. */
    private Result rawInsert(int batches, int clients) throws Exception {
        long[] lat = new long[batches];
        AtomicInteger next = new AtomicInteger();
        ExecutorService pool = Executors.newFixedThreadPool(clients);
        long start = System.nanoTime();
        List<Future<?>> fs = new ArrayList<>();
        for (int c = 0; c < clients; c++) {
            fs.add(pool.submit(() -> {
                try (Connection con = dataSource.getConnection()) {
                    con.setAutoCommit(false);
                    int i;
                    while ((i = next.getAndIncrement()) < batches) {
                        long t0 = System.nanoTime();
                        String[] ids = new String[BATCH], users = new String[BATCH];
                        for (int k = 0; k < BATCH; k++) {
                            ids[k] = "raw-" + i + "-" + k;
                            users[k] = "u-" + (k % 500);
                        }
                        try (PreparedStatement ps = con.prepareStatement(
                                """
                                        insert into usage_events (org_id, environment, event_id, end_user_id, model_requested,
                                            model_id, provider, input_tokens, output_tokens, cached_tokens, tool_calls,
                                            occurred_at, recorded_at, price_version_id, currency, cost, revenue, unpriced)
                                        select 'bench-raw', 'live', t.id, t.u, 'gpt-4o-mini', 'gpt-4o-mini', 'openai', 1200, 300,
                                            200, 0, now(), now(), '00000000-0000-0000-0000-000000000002', 'USD',
                                            0.000348000000, 0.000382800000, false
                                        from unnest(?::text[], ?::text[]) as t(id, u)
                                        on conflict do nothing""")) {
                            ps.setArray(1, con.createArrayOf("text", ids));
                            ps.setArray(2, con.createArrayOf("text", users));
                            ps.executeUpdate();
                        }
                        con.commit();
                        lat[i] = (System.nanoTime() - t0) / 1000;
                    }
                }
                return null;
            }));
        }
        for (Future<?> f : fs) {
            f.get();
        }
        double secs = (System.nanoTime() - start) / 1e9;
        pool.shutdown();
        return new Result((long) batches * BATCH, secs, lat);
    }

    private String batch(String prefix) {
        StringBuilder sb = new StringBuilder(BATCH * 200).append("{\"events\":[");
        String at = Instant.parse("2026-03-15T09:00:00Z").toString();
        for (int k = 0; k < BATCH; k++) {
            if (k > 0) {
                sb.append(',');
            }
            sb.append("{\"eventId\":\"").append(prefix).append('-').append(k)
                    .append("\",\"endUserId\":\"u-").append(k % 500)
                    .append("\",\"model\":\"").append(k % 3 == 0 ? "gpt-4o" : "gpt-4o-mini")
                    .append("\",\"prompt_tokens\":1200,\"completion_tokens\":300,\"cachedTokens\":200")
                    .append(",\"occurredAt\":\"").append(at).append("\"}");
        }
        return sb.append("]}").toString();
    }

    private HttpResponse<String> post(String path, String token, String body) throws IOException, InterruptedException {
        HttpRequest req = HttpRequest.newBuilder(URI.create(base + path.substring(1)))
                .header("Authorization", token).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body)).build();
        return http.send(req, HttpResponse.BodyHandlers.ofString());
    }

    private void write(Result ingest, Result replay, Result raw, Result quota) throws Exception {
        String pg;
        try (Connection c = dataSource.getConnection();
                ResultSet rs = c.createStatement().executeQuery("show server_version")) {
            rs.next();
            pg = rs.getString(1);
        }
        String cpu = Files.readAllLines(Path.of("/proc/cpuinfo")).stream().filter(l -> l.startsWith("model name"))
                .findFirst().map(l -> l.substring(l.indexOf(':') + 1).strip()).orElse("unknown");
        String mem = Files.readAllLines(Path.of("/proc/meminfo")).get(0).replaceAll("\\s+", " ");
        String md = String.format(Locale.ROOT,
                """
                        # usage-service benchmarks

                        Written by `IngestionBenchmarkTest` (usage-service, tag `bench`, not part of the normal test run).

                        ## Command

                        ```
                        cd /work/main && ./mvnw -B verify -pl usage-service -Pbench
                        # knobs: -Dbench.clients=%d -Dbench.batches=%d -Dbench.quotaRate=%d -Dbench.quotaSeconds=%d
                        ```

                        ## Machine (this run, %s)

                        - CPU: %s, %d cores visible to the JVM (shared with other work on the machine)
                        - %s
                        - JDK %s; PostgreSQL %s (embedded, local, default settings, same machine)
                        - Server and load generator in the same JVM (Quarkus test mode, JVM mode), HTTP/1.1 over loopback
                        - Load average (/proc/loadavg) before the run: `%s`, after: `%s` — other builds share these 2 cores,
                          so a load far above 2 means the numbers below are a floor, not the service's capacity

                        ## Results

                        | what | events | seconds | events/s | batch p50 ms | batch p99 ms |
                        |---|---|---|---|---|---|
                        | HTTP ingestion, %d clients × batches of %d (idempotency, rating, rollups, quota counters) | %d | %.2f | **%.0f** | %.1f | %.1f |
                        | same batches replayed (all duplicates, no totals change) | %d | %.2f | %.0f | %.1f | %.1f |
                        | raw PostgreSQL ceiling: same rows, 1,000 per INSERT … unnest, %d connections, no HTTP | %d | %.2f | **%.0f** | %.1f | %.1f |

                        Ingestion reaches **%.0f %%** of the raw insert ceiling measured in the same run.

                        | quota checks (open loop, paced at %d/s for %d s, 500 end users, 16 workers) | checks | achieved/s | p50 ms | p99 ms |
                        |---|---|---|---|---|
                        | `GET /v1/quota/check` (latency from each request's scheduled start) | %d | %.0f | %.2f | %.2f |

                        ## Method and caveats

                        - Each HTTP batch is one request and one transaction: end users upsert, one `INSERT … SELECT unnest(…)
                          ON CONFLICT DO NOTHING RETURNING` for the events, one upsert each for rollups and quota counters.
                        - Events per second counts events offered (1,000 per batch) over wall time with %d concurrent clients.
                        - The quota check reads the end user's plan and three counter rows (two queries) and the cached account
                          status; it writes nothing unless an alert is recorded.
                        - Targets from issue 3: ≥ 20,000 events/s end to end, quota p99 < 5 ms at 1,000 checks/s. Numbers on a
                          shared 2-core machine vary from run to run; rerun the command to compare.
                        """,
                CLIENTS, BATCHES, QUOTA_RATE, QUOTA_SECONDS, Instant.now(), cpu,
                Runtime.getRuntime().availableProcessors(),
                mem, System.getProperty("java.version"), pg, loadBefore,
                Files.readString(Path.of("/proc/loadavg")).strip(),
                CLIENTS, BATCH, ingest.events(), ingest.seconds(), ingest.perSecond(), ingest.pct(0.5),
                ingest.pct(0.99),
                replay.events(), replay.seconds(), replay.perSecond(), replay.pct(0.5), replay.pct(0.99),
                CLIENTS, raw.events(), raw.seconds(), raw.perSecond(), raw.pct(0.5), raw.pct(0.99),
                100 * ingest.perSecond() / raw.perSecond(),
                QUOTA_RATE, QUOTA_SECONDS, quota.events(), quota.perSecond(), quota.pct(0.5), quota.pct(0.99),
                CLIENTS);
        Path out = Path.of(System.getProperty("bench.out", "../docs/benchmarks.md"));
        Files.writeString(out, md, StandardCharsets.UTF_8);
        System.out.println(md);
    }
}
