package io.accrue.usage.bench;

import java.lang.management.ManagementFactory;
import java.net.URL;
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
import java.util.concurrent.ThreadPoolExecutor;
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
 * {@code ./mvnw -B verify -pl usage-service -Pbench -am} — see usage-service/README.md. It drives batched ingestion
 * over HTTP (idempotency, rating, rollups and quota counters included), paced concurrent quota checks, and in the
 * same run the raw PostgreSQL rate for inserting the same rows into usage_events (the ceiling), then writes
 * docs/benchmarks.md.
 */
@QuarkusTest
@Tag("bench")
class IngestionBenchmarkTest {

    static final int BATCH = Integer.getInteger("bench.batch", 1000);
    static final int CLIENTS = Integer.getInteger("bench.clients", 4);
    static final int BATCHES = Integer.getInteger("bench.batches", 200);
    static final int QUOTA_RATE = Integer.getInteger("bench.quotaRate", 1000);
    static final int QUOTA_SECONDS = Integer.getInteger("bench.quotaSeconds", 10);
    static final int WARMUP_BATCHES = Integer.getInteger("bench.warmupBatches", 100);
    /** Everything from this line on in docs/benchmarks.md is kept when the benchmark rewrites the file. */
    static final String HAND_MAINTAINED = "<!-- Written by hand from here on; the benchmark keeps this part. -->";
    static final int WARMUP_QUOTA_SECONDS = Integer.getInteger("bench.warmupQuotaSeconds", 15);

    @TestHTTPResource("/")
    URL base;
    @Inject
    AgroalDataSource dataSource;

    private String loadBefore;
    private String durability;
    private CpuMeter cpu;

    @Test
    void run() throws Exception {
        loadBefore = Files.readString(Path.of("/proc/loadavg")).strip();
        try (Connection c = dataSource.getConnection();
                ResultSet rs = c.createStatement().executeQuery("select pg_backend_pid()")) {
            rs.next();
            cpu = new CpuMeter(rs.getLong(1));
        }
        durability = requireDurable();
        String token = TestTokens.as(Roles.USAGE_REPORTER).org("bench-org").environment("live").bearer();
        defaultPlan();
        // Warm-up right before each measured workload: connection pool, catalog cache, and the JIT. C2 must have
        // compiled that workload's hot paths before the clock starts, or the compiler threads compete with the
        // service for the same 2 cores (seen: C2 still compiling RESTEasy handlers 9 s into the quota phase when
        // its 5 s warm-up ran before the ingestion phases).
        ingest(token, "warm", WARMUP_BATCHES, CLIENTS);
        Result ingest = measured("ingestion", () -> ingest(token, "run", BATCHES, CLIENTS));
        Result replay = measured("replay", () -> ingest(token, "run", Math.min(BATCHES, 50), CLIENTS)); // duplicates
        // the same workload (new ids) from a load generator in its own JVM: this JVM's CPU is the service's alone
        Result separate = measured("ingestion, separate generator", () -> ingestFromOwnProcess(token, "sep", BATCHES,
                CLIENTS));
        Result raw = measured("raw insert", () -> rawInsert(BATCHES, CLIENTS));
        quota(token, QUOTA_RATE, WARMUP_QUOTA_SECONDS);
        Result quota = measured("quota", () -> quota(token, QUOTA_RATE, QUOTA_SECONDS));
        write(ingest, replay, separate, raw, quota);
    }

    /**
     * Production durability, checked on the server the run measures: with {@code fsync} or {@code synchronous_commit}
     * off (the embedded library's defaults) every commit is cheaper than a user's would be, and an event answered
     * {@code accepted} can be lost in a crash. The bench profile sets them (usage-service/pom.xml).
     */
    private String requireDurable() throws Exception {
        StringBuilder settings = new StringBuilder();
        try (Connection c = dataSource.getConnection()) {
            for (String name : List.of("fsync", "synchronous_commit", "full_page_writes")) {
                try (ResultSet rs = c.createStatement().executeQuery("show " + name)) {
                    rs.next();
                    if (!"on".equals(rs.getString(1))) {
                        throw new IllegalStateException(name + " is " + rs.getString(1)
                                + ": benchmarks run with production durability (run with -Pbench)");
                    }
                    settings.append(settings.isEmpty() ? "" : ", ").append(name).append("=on");
                }
            }
        }
        return settings.toString();
    }

    /**
     * A default plan with a markup and every limit, set far above what the run uses: revenue is computed from a
     * plan, and each quota check reads the plan and the end user's counters and evaluates every limit (an
     * organisation without a plan answers "allowed" after one query, which is not the case to measure).
     */
    private void defaultPlan() throws Exception {
        String admin = TestTokens.bearer("bench-org", Roles.BILLING_ADMIN);
        try (RawHttp http = new RawHttp(base)) {
            RawHttp.Response r = http.send(RawHttp.json("PUT", base, "/v1/orgs/bench-org/rate-plans/bench", admin,
                    """
                            {"slug":"bench","name":"Bench","pricing":"markup","markupPercent":"20","feePerRequest":"0.0001",
                             "dailyTokenLimit":1000000000000,"monthlyTokenLimit":1000000000000,"dailyRequestLimit":1000000000,
                             "monthlyCostCap":"1000000000","burstPerMinute":1000000000,"enforcement":"block","isDefault":true}"""));
            if (r.status() != 200 && r.status() != 201) {
                throw new IllegalStateException("rate plan answered " + r.status() + ": " + r.text());
            }
        }
    }

    interface Phase {
        Result run() throws Exception;
    }

    /** Runs a phase between two CPU samples; prints its wall-clock window so a profile can be cut to it. */
    /** Runs a phase; prints its wall-clock window so a profile can be cut to it. */
    private Result measured(String name, Phase phase) throws Exception {
        quiesce(name);
        Instant from = Instant.now();
        Result r = phase.run();
        System.out.printf(Locale.ROOT, "bench phase %s from %s to %s: %.0f/s, JVM CPU %.1f s, PostgreSQL CPU %.1f s%n",
                name, from, Instant.now(), r.perSecond(), r.cpu().jvmSeconds(), r.cpu().postgresSeconds());
        printCounterTables();
        return r;
    }

    /**
     * Each phase starts on a quiet database: the previous phase's dirty pages written out (CHECKPOINT) and no
     * autovacuum worker busy with the rows it left. Otherwise a phase pays for the one before it — on 2 cores an
     * autovacuum of 200,000 freshly inserted rows lands in the first seconds of whichever phase comes next.
     */
    private void quiesce(String phase) throws Exception {
        long t0 = System.nanoTime();
        try (Connection c = dataSource.getConnection()) {
            c.createStatement().execute("checkpoint");
            // at most a minute: a benchmark phase then starts anyway, and the line below says how long it waited
            try {
                org.awaitility.Awaitility.await().atMost(java.time.Duration.ofMinutes(1))
                        .pollInterval(java.time.Duration.ofMillis(100)).until(() -> {
                            try (ResultSet rs = c.createStatement().executeQuery(
                                    "select count(*) from pg_stat_activity where backend_type = 'autovacuum worker'")) {
                                rs.next();
                                return rs.getInt(1) == 0;
                            }
                        });
            } catch (org.awaitility.core.ConditionTimeoutException stillBusy) {
                System.out.println("bench phase " + phase + ": autovacuum still running after a minute");
            }
        }
        System.out.printf(Locale.ROOT, "bench phase %s: database quiet after %d ms%n", phase,
                (System.nanoTime() - t0) / 1_000_000);
    }

    /**
     * How the rows every batch rewrites fare: HOT (heap-only) updates need no index entry, and dead versions
     * piling up beside a few live rows is what slows the rollup and counter upserts down.
     */
    private void printCounterTables() throws Exception {
        try (Connection c = dataSource.getConnection(); ResultSet rs = c.createStatement().executeQuery("""
                select relname, n_tup_upd, n_tup_hot_upd, n_live_tup, n_dead_tup, pg_relation_size(relid)
                from pg_stat_user_tables where relname in ('usage_daily', 'quota_counters') order by relname""")) {
            while (rs.next()) {
                System.out.printf(Locale.ROOT, "bench table %s: %d updates, %d HOT, %d live / %d dead rows, %d kB%n",
                        rs.getString(1), rs.getLong(2), rs.getLong(3), rs.getLong(4), rs.getLong(5),
                        rs.getLong(6) / 1024);
            }
        }
    }

    record Result(long events, double seconds, long[] latenciesMicros, CpuMeter.Sample cpu) {
        double perSecond() {
            return events / seconds;
        }

        /** CPU milliseconds per 1,000 events (or checks): JVM, PostgreSQL. */
        double jvmMsPerThousand() {
            return cpu.jvmSeconds() * 1e6 / events;
        }

        double postgresMsPerThousand() {
            return cpu.postgresSeconds() * 1e6 / events;
        }

        double pct(double p) {
            long[] s = latenciesMicros.clone();
            Arrays.sort(s);
            return s.length == 0 ? 0 : s[Math.min(s.length - 1, (int) Math.ceil(p * s.length) - 1)] / 1000.0;
        }
    }

    private Result ingest(String token, String prefix, int batches, int clients) throws Exception {
        List<byte[]> requests = new ArrayList<>(batches);
        for (int b = 0; b < batches; b++) {
            requests.add(RawHttp.postJson(base, "/v1/usage-events", token, batch(prefix + "-" + b)));
        }
        long[] lat = new long[batches];
        AtomicInteger next = new AtomicInteger();
        ExecutorService pool = Executors.newFixedThreadPool(clients);
        CpuMeter.Sample cpuBefore = cpu.sample(); // after the requests are built: they are not the service's cost
        long start = System.nanoTime();
        List<Future<?>> fs = new ArrayList<>();
        for (int c = 0; c < clients; c++) {
            fs.add(pool.submit(() -> {
                try (RawHttp http = new RawHttp(base)) {
                    int i;
                    while ((i = next.getAndIncrement()) < batches) {
                        long t0 = System.nanoTime();
                        RawHttp.Response r = http.send(requests.get(i));
                        lat[i] = (System.nanoTime() - t0) / 1000;
                        if (r.status() != 200) {
                            throw new IllegalStateException("batch answered " + r.status() + ": " + r.text());
                        }
                    }
                }
                return null;
            }));
        }
        for (Future<?> f : fs) {
            f.get();
        }
        double secs = (System.nanoTime() - start) / 1e9;
        CpuMeter.Sample used = cpu.sample().minus(cpuBefore);
        pool.shutdown();
        return new Result((long) batches * BATCH, secs, lat, used);
    }

    private double generatorMsPerThousand;

    /**
     * As {@link #ingest}, but the requests are sent by {@link LoadGenerator} in a child JVM: its connections and JIT
     * warm-up happen before the clock starts (it waits for GO), and its CPU is reported apart from the service's.
     */
    private Result ingestFromOwnProcess(String token, String prefix, int batches, int clients) throws Exception {
        List<byte[]> requests = new ArrayList<>(batches);
        for (int b = 0; b < batches; b++) {
            requests.add(RawHttp.postJson(base, "/v1/usage-events", token, batch(prefix + "-" + b)));
        }
        Path dir = Files.createTempDirectory("accrue-loadgen");
        Path in = dir.resolve("requests.bin"), out = dir.resolve("latencies.bin");
        LoadGenerator.writeRequests(in, requests);
        String java = ProcessHandle.current().info().command().orElse("java");
        Process p = new ProcessBuilder(java, "-XX:TieredStopAtLevel=1", "-cp", Path.of("target/test-classes")
                .toAbsolutePath().toString(), LoadGenerator.class.getName(), base.toString(),
                Integer.toString(clients), in.toString(), out.toString()).redirectError(ProcessBuilder.Redirect.INHERIT)
                .start();
        try (var stdout = new java.io.BufferedReader(
                new java.io.InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
                var stdin = new java.io.PrintStream(p.getOutputStream(), true, StandardCharsets.UTF_8)) {
            if (!"READY".equals(stdout.readLine())) {
                throw new IllegalStateException("load generator did not start");
            }
            CpuMeter.Sample before = cpu.sample();
            stdin.println("GO");
            String done = stdout.readLine();
            CpuMeter.Sample used = cpu.sample().minus(before);
            if (!"DONE".equals(done) || p.waitFor() != 0) {
                throw new IllegalStateException("load generator failed: " + done);
            }
            LoadGenerator.Measured m = LoadGenerator.Measured.read(out);
            generatorMsPerThousand = m.generatorCpuSeconds() * 1e6 / ((long) batches * BATCH);
            return new Result((long) batches * BATCH, m.seconds(), m.latMicros(), used);
        } finally {
            Files.deleteIfExists(in);
            Files.deleteIfExists(out);
            Files.deleteIfExists(dir);
        }
    }

    /** Open-loop paced checks: latency measured from each request's scheduled start (no coordinated omission). */
    private Result quota(String token, int rate, int seconds) throws Exception {
        int total = rate * seconds;
        long[] lat = new long[total];
        byte[][] requests = new byte[500][];
        for (int u = 0; u < requests.length; u++) {
            requests[u] = RawHttp.get(base, "/v1/quota/check?endUserId=u-" + u, token);
        }
        int workers = 16;
        // Connections and threads exist before the clock starts, as a gateway's kept-alive pool does: opening 16
        // sockets and starting 16 threads is not part of a check.
        List<RawHttp> connections = new ArrayList<>();
        for (int w = 0; w < workers; w++) {
            connections.add(new RawHttp(base));
        }
        ThreadPoolExecutor pool = (ThreadPoolExecutor) Executors.newFixedThreadPool(workers);
        pool.prestartAllCoreThreads();
        CpuMeter.Sample cpuBefore = cpu.sample(); // after the requests are built: they are not the service's cost
        long startUptimeMillis = ManagementFactory.getRuntimeMXBean().getUptime();
        long start = System.nanoTime();
        long intervalNanos = 1_000_000_000L / rate;
        AtomicInteger next = new AtomicInteger();
        List<Future<?>> fs = new ArrayList<>();
        for (RawHttp connection : connections) {
            fs.add(pool.submit(() -> {
                try (RawHttp http = connection) {
                    int i;
                    while ((i = next.getAndIncrement()) < total) {
                        long due = start + i * intervalNanos;
                        long wait = due - System.nanoTime();
                        if (wait > 0) {
                            TimeUnit.NANOSECONDS.sleep(wait);
                        }
                        RawHttp.Response r = http.send(requests[i % requests.length]);
                        lat[i] = (System.nanoTime() - due) / 1000;
                        if (r.status() != 200 && r.status() != 429) {
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
        double secs = (System.nanoTime() - start) / 1e9;
        CpuMeter.Sample used = cpu.sample().minus(cpuBefore);
        pool.shutdown();
        dumpLatencies(startUptimeMillis, intervalNanos, lat);
        return new Result(total, secs, lat, used);
    }

    /**
     * With {@code -Dbench.quotaLatencies=FILE}, each check's scheduled start (JVM uptime in ms, the clock of
     * {@code -Xlog:gc} lines) and latency, one per line, so slow checks can be laid beside GC pauses.
     */
    private static void dumpLatencies(long startUptimeMillis, long intervalNanos, long[] latMicros)
            throws java.io.IOException {
        String file = System.getProperty("bench.quotaLatencies");
        if (file == null || file.isBlank()) {
            return;
        }
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < latMicros.length; i++) {
            sb.append(String.format(Locale.ROOT, "%.3f %.3f%n", startUptimeMillis + i * intervalNanos / 1e6,
                    latMicros[i] / 1000.0));
        }
        Files.writeString(Path.of(file), sb);
    }

    /** The ceiling: the same rows straight into usage_events, 1,000 per statement, same concurrency, no HTTP. */
    private Result rawInsert(int batches, int clients) throws Exception {
        long[] lat = new long[batches];
        AtomicInteger next = new AtomicInteger();
        ExecutorService pool = Executors.newFixedThreadPool(clients);
        CpuMeter.Sample cpuBefore = cpu.sample();
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
        CpuMeter.Sample used = cpu.sample().minus(cpuBefore);
        pool.shutdown();
        return new Result((long) batches * BATCH, secs, lat, used);
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

    private void write(Result ingest, Result replay, Result separate, Result raw, Result quota) throws Exception {
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
                        ./mvnw -B verify -pl usage-service -Pbench -am
                        # knobs: -Dbench.batch=%d -Dbench.clients=%d -Dbench.batches=%d -Dbench.quotaRate=%d -Dbench.quotaSeconds=%d
                        #        -Dbench.warmupBatches=%d -Dbench.warmupQuotaSeconds=%d
                        #        -Dbench.quotaLatencies=FILE (each check's start and latency, to lay beside -Xlog:gc)
                        ```

                        ## Machine (this run, %s)

                        - CPU: %s, %d cores visible to the JVM (shared with other work on the machine)
                        - %s
                        - JDK %s; PostgreSQL %s (embedded, local, same machine), %s
                        - Server and load generator in the same JVM (Quarkus test mode, JVM mode), HTTP/1.1 over loopback; the
                          "own JVM" row runs the generator as a separate `java` process (`LoadGenerator`)
                        - Load average (/proc/loadavg) before the run: `%s`, after: `%s` — other builds share these 2 cores,
                          so a load far above 2 means the numbers below are a floor, not the service's capacity

                        ## Results

                        | what | events | seconds | events/s | batch p50 ms | batch p99 ms | CPU ms per 1,000 events: JVM / PostgreSQL |
                        |---|---|---|---|---|---|---|
                        | HTTP ingestion, %d clients × batches of %d (idempotency, rating, rollups, quota counters) | %d | %.2f | **%.0f** | %.1f | %.1f | %.0f / %.0f |
                        | same batches replayed (all duplicates, no totals change) | %d | %.2f | %.0f | %.1f | %.1f | %.0f / %.0f |
                        | HTTP ingestion as the first row, new ids, load generator in its own JVM (JVM column: the service alone; the generator spent %.0f more) | %d | %.2f | **%.0f** | %.1f | %.1f | %.0f / %.0f |
                        | raw PostgreSQL ceiling: same rows, %d per INSERT … unnest, %d connections, no HTTP | %d | %.2f | **%.0f** | %.1f | %.1f | %.0f / %.0f |

                        Ingestion reaches **%.0f %%** of the raw insert ceiling measured in the same run (**%.0f %%** with the
                        load generator in its own process).

                        | quota checks (open loop, paced at %d/s for %d s, 500 end users, 16 workers) | checks | achieved/s | p50 ms | p99 ms | CPU ms per 1,000 checks: JVM / PostgreSQL |
                        |---|---|---|---|---|---|
                        | `GET /v1/quota/check` (latency from each request's scheduled start) | %d | %.0f | %.2f | %.2f | %.0f / %.0f |

                        ## Method and caveats

                        - Each HTTP batch is one request; requests that arrive while a write runs are written together in
                          the next transaction (group commit, up to 8,000 events). Per transaction and organisation: end
                          users upsert, one `INSERT … SELECT unnest(…) ON CONFLICT DO NOTHING RETURNING` for the events,
                          one upsert each for rollups and quota counters, every row once.
                        - Events per second counts events offered (%d per batch) over wall time with %d concurrent clients.
                        - bench-org has a default plan (20 %% markup, every limit set far above what the run uses), so each
                          quota check reads the plan, the blocked flag and three counter rows (one query), the cached
                          account status, evaluates every limit and answers 200; it writes nothing.
                        - Load generator: one kept-alive HTTP/1.1 socket per client thread, requests serialised to bytes
                          before the clock starts. A warm-up (%d batches before the ingestion phases, %d s of quota checks
                          right before the quota phase) runs first so the JIT has compiled the hot paths, and each phase
                          starts on a quiet database (CHECKPOINT, no autovacuum worker running).
                        - CPU per 1,000 events: this JVM's process CPU time (service and load generator) and the embedded
                          PostgreSQL server's (all its processes), over the phase. On a shared machine the wall-clock rates
                          swing with the load; CPU per event moves much less, so compare that between runs.
                        - Targets from issue 3: ≥ 20,000 events/s end to end, quota p99 < 5 ms at 1,000 checks/s. Numbers on a
                          shared 2-core machine vary from run to run; rerun the command to compare.
                        """,
                BATCH, CLIENTS, BATCHES, QUOTA_RATE, QUOTA_SECONDS, WARMUP_BATCHES, WARMUP_QUOTA_SECONDS, Instant.now(),
                cpu,
                Runtime.getRuntime().availableProcessors(),
                mem, System.getProperty("java.version"), pg, durability, loadBefore,
                Files.readString(Path.of("/proc/loadavg")).strip(),
                CLIENTS, BATCH, ingest.events(), ingest.seconds(), ingest.perSecond(), ingest.pct(0.5),
                ingest.pct(0.99), ingest.jvmMsPerThousand(), ingest.postgresMsPerThousand(),
                replay.events(), replay.seconds(), replay.perSecond(), replay.pct(0.5), replay.pct(0.99),
                replay.jvmMsPerThousand(), replay.postgresMsPerThousand(),
                generatorMsPerThousand, separate.events(), separate.seconds(), separate.perSecond(), separate.pct(0.5),
                separate.pct(0.99), separate.jvmMsPerThousand(), separate.postgresMsPerThousand(),
                BATCH, CLIENTS, raw.events(), raw.seconds(), raw.perSecond(), raw.pct(0.5), raw.pct(0.99),
                raw.jvmMsPerThousand(), raw.postgresMsPerThousand(),
                100 * ingest.perSecond() / raw.perSecond(), 100 * separate.perSecond() / raw.perSecond(),
                QUOTA_RATE, QUOTA_SECONDS, quota.events(), quota.perSecond(), quota.pct(0.5), quota.pct(0.99),
                quota.jvmMsPerThousand(), quota.postgresMsPerThousand(),
                BATCH, CLIENTS, WARMUP_BATCHES, WARMUP_QUOTA_SECONDS);
        Path out = Path.of(System.getProperty("bench.out", "../docs/benchmarks.md"));
        // The run history and the notes below it are written by hand: keep them.
        String kept = Files.exists(out) ? Files.readString(out) : "";
        int hand = kept.indexOf(HAND_MAINTAINED);
        md = md + "\n" + (hand >= 0 ? kept.substring(hand) : HAND_MAINTAINED + "\n");
        Files.writeString(out, md, StandardCharsets.UTF_8);
        System.out.println(md);
    }
}
