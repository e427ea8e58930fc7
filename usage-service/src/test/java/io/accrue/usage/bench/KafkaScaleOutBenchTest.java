package io.accrue.usage.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.URL;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ConsumerGroupDescription;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import io.accrue.common.security.Roles;
import io.accrue.kafkabroker.LocalKafka;
import io.accrue.testing.OidcKeysResource;
import io.accrue.testing.PostgresResource;
import io.accrue.testing.TestTokens;
import io.accrue.usage.SubscriptionServiceStub;

/**
 * Issue 17 point 6: ingestion mode kafka scaled out to 1, 2 and 3 consumer replicas against one broker and one
 * PostgreSQL (durable: the {@code bench} profile's fsync, synchronous_commit and full_page_writes), compared with
 * direct mode in the same run. Every component is its own process, so each one's CPU is its own: the packaged
 * service ({@code target/quarkus-app}, run {@code package} first) as a direct-mode replica, as the kafka-mode HTTP
 * edge ({@code consume=false}) and as 1–3 consumer replicas ({@code consume=true}, one group), the broker
 * (kafka-broker module), PostgreSQL (embedded), and the load generator (this JVM).
 *
 * <p>
 * Each phase sends the same number of batches of 1,000 new events from 4 client connections; a kafka phase ends
 * when the group has committed every record (lag 0), so its events/s is end to end (accepted at the edge and
 * written to PostgreSQL). A consumer replica added for a phase first joins the group and drains a warm-up load.
 * Writes {@code target/kafka-scaleout.md}; the figures go into docs/benchmarks.md by hand.
 */
@Tag("bench")
class KafkaScaleOutBenchTest {

    private static final String NOW = "2026-03-15T10:00:00Z";
    private static final String OCCURRED = "2026-03-15T09:00:00Z";
    private static final int BATCH = 1000;
    private static final int BATCHES = Integer.getInteger("bench.kafka.batches", 60);
    private static final int WARMUP = Integer.getInteger("bench.kafka.warmupBatches", 20);
    private static final int CLIENTS = Integer.getInteger("bench.kafka.clients", 4);
    private static final int MAX_CONSUMERS = Integer.getInteger("bench.kafka.consumers", 3);
    /** Organisations the events come from: the log is keyed by organisation, so they spread over the partitions. */
    private static final int ORGS = 24;
    private static final String TOPIC = "accrue.usage-events";
    private static final String GROUP = "usage-writers";
    private static final String STREAMS_APP = "usage-minute-aggregation";
    private static final String STREAMS_SINK = "usage-minute-rollup-sink";
    private static final String ROLLUP_TOPIC = "accrue.usage-minute-rollups";

    private final Map<String, Process> processes = new LinkedHashMap<>();
    private final List<String> rows = new ArrayList<>();
    private Path logs;
    private String loadBefore;
    private String streamNote = "";

    @Test
    void oneTwoThreeConsumerReplicasAgainstDirectMode() throws Exception {
        Path jar = Path.of(System.getProperty("accrue.usage.app", "target/quarkus-app/quarkus-run.jar"));
        assertTrue(Files.isRegularFile(jar), jar + " is missing: package usage-service first"
                + " (./mvnw -B -o package -DskipTests -pl usage-service -am)");
        loadBefore = Files.readString(Path.of("/proc/loadavg")).strip();
        logs = jar.getParent().getParent().resolve("kafka-scaleout");
        Files.createDirectories(logs);

        PostgresResource postgres = new PostgresResource();
        postgres.init(Map.of("database", "usage_scaleout"));
        Map<String, String> db = postgres.start();
        String jdbc = db.get("quarkus.datasource.jdbc.url");
        CpuMeter pgAndLoad;
        String durability;
        try (Connection c = DriverManager.getConnection(jdbc, "postgres", "postgres");
                ResultSet rs = c.createStatement().executeQuery("select pg_backend_pid(), current_setting('fsync'),"
                        + " current_setting('synchronous_commit'), current_setting('full_page_writes'),"
                        + " current_setting('server_version')")) {
            rs.next();
            // while the connection is open: the meter finds the server as the backend's parent, and a closed
            // connection's backend may already have exited
            pgAndLoad = new CpuMeter(rs.getLong(1));
            durability = "fsync=" + rs.getString(2) + ", synchronous_commit=" + rs.getString(3)
                    + ", full_page_writes=" + rs.getString(4) + "; PostgreSQL " + rs.getString(5);
            assertEquals("on", rs.getString(2), "benchmarks run durable PostgreSQL (-Pbench)");
            assertEquals("on", rs.getString(3), "benchmarks run durable PostgreSQL (-Pbench)");
        }
        Map<String, String> oidc = new OidcKeysResource().start();
        SubscriptionServiceStub subscription = new SubscriptionServiceStub();
        Map<String, String> neighbours = subscription.start();
        LocalKafka broker = LocalKafka.start(Files.createTempDirectory("scaleout-kafka"), LocalKafka.freePortPair(),
                Duration.ofMinutes(3));
        ProcessHandle brokerProcess = broker.process().orElseThrow();
        Map<String, String> base = new HashMap<>();
        base.put("quarkus.datasource.jdbc.url", jdbc);
        base.put("quarkus.datasource.username", "postgres");
        base.put("quarkus.datasource.password", "postgres");
        base.put("quarkus.oidc.public-key", oidc.get("quarkus.oidc.public-key"));
        base.put("quarkus.oidc.token.issuer", oidc.get("quarkus.oidc.token.issuer"));
        base.put("quarkus.rest-client.subscription-service.url",
                neighbours.get("quarkus.rest-client.subscription-service.url"));
        Map<String, String> kafka = new HashMap<>(base);
        kafka.put("accrue.usage.ingest.mode", "kafka");
        kafka.put("accrue.usage.ingest.kafka.bootstrap-servers", broker.bootstrapServers());

        try (Admin admin = Admin.create(Map.of("bootstrap.servers", broker.bootstrapServers()))) {
            String direct = start("direct", jar, base);
            Map<String, String> edgeConfig = new HashMap<>(kafka);
            edgeConfig.put("accrue.usage.ingest.kafka.consume", "false");
            String edge = start("edge", jar, edgeConfig);
            awaitReady("direct", direct);
            awaitReady("edge", edge);

            // direct mode: the service writes each request before it answers
            send(direct, "warm-direct", WARMUP);
            Phase directPhase = measure("direct", () -> send(direct, "direct", BATCHES),
                    List.of("direct"), null, pgAndLoad, admin);
            rows.add(directPhase.row("direct mode (one replica, written before the answer)"));

            for (int k = 1; k <= MAX_CONSUMERS; k++) {
                String name = "consumer-" + k;
                String prefix = "kafka-" + k;
                awaitReady(name, start(name, jar, kafka));
                int members = k;
                awaitUntil(Duration.ofMinutes(3), () -> groupMembers(admin) == members, "group of " + k);
                send(edge, "warm-" + k, WARMUP);
                awaitUntil(Duration.ofMinutes(5), () -> lag(admin) == 0, "warm-up written");
                List<String> consumers = new ArrayList<>();
                for (int i = 1; i <= k; i++) {
                    consumers.add("consumer-" + i);
                }
                List<String> measured = new ArrayList<>(consumers);
                measured.add(0, "edge");
                Phase phase = measure(prefix, () -> send(edge, prefix, BATCHES), measured,
                        brokerProcess, pgAndLoad, admin);
                rows.add(phase.row("kafka mode, " + k + " consumer replica" + (k > 1 ? "s" : "")));
                assertEquals((long) BATCHES * BATCH, events(jdbc, "kafka-" + k),
                        "every event of the phase written once");
            }
            assertEquals((long) BATCHES * BATCH, events(jdbc, "direct"));
            String storage = storage(jdbc, broker);

            // (b) the same stream through the stream aggregation (issue 17.4): the per-event consumers stopped, one
            // usage-service replica running the Streams app and its PostgreSQL sink (consume=false). It first
            // aggregates everything the log holds (its warm-up), then a phase of new events like the ones above.
            for (int i = 1; i <= MAX_CONSUMERS; i++) {
                Process c = processes.remove("consumer-" + i);
                c.destroy();
                c.waitFor(20, TimeUnit.SECONDS);
            }
            Map<String, String> streamConfig = new HashMap<>(kafka);
            streamConfig.put("accrue.usage.ingest.kafka.consume", "false");
            streamConfig.put("accrue.usage.stream-aggregation.enabled", "true");
            streamConfig.put("accrue.usage.stream-aggregation.state-dir", logs.resolve("streams-state").toString());
            awaitReady("streams", start("streams", jar, streamConfig));
            java.util.concurrent.Callable<Long> streamLag = () -> lag(admin, STREAMS_APP, TOPIC)
                    + lag(admin, STREAMS_SINK, ROLLUP_TOPIC);
            awaitUntil(Duration.ofMinutes(10), () -> streamLag.call() == 0, "the log aggregated (warm-up)");
            long rowsBefore = rollupRows(jdbc);
            Phase stream = measure("stream", () -> send(edge, "stream", BATCHES), List.of("edge", "streams"),
                    brokerProcess, pgAndLoad, streamLag);
            rows.add(stream.row("stream aggregation (Streams app + PostgreSQL sink in one replica, in the consumers'"
                    + " column), no per-event consumer"));
            long total = ((long) MAX_CONSUMERS * (BATCHES + WARMUP) + BATCHES) * BATCH;
            // lag 0 is reached before the last emit (the minutes moved since the last one are in the store, sent
            // within emit-every): wait for it, then the figures must be every event once
            awaitUntil(Duration.ofMinutes(2), () -> rollupEvents(jdbc) >= total, "the last emit written");
            assertEquals(total, rollupEvents(jdbc), "every event of the log counted once in the minute rollups");
            streamNote = String.format(Locale.ROOT, "minute rollup rows: %d before the stream phase, %d after (one per"
                    + " organisation, end user, model and minute: the phases share one minute);"
                    + " events in them: %d = every event the log holds, once", rowsBefore, rollupRows(jdbc), total);
            write(durability, broker, storage);
        } finally {
            for (Process p : processes.values()) {
                p.destroy();
            }
            for (Process p : processes.values()) {
                if (!p.waitFor(20, TimeUnit.SECONDS)) {
                    p.destroyForcibly();
                }
            }
            broker.close();
            subscription.stop();
            postgres.stop();
        }
    }

    /** One phase's figures: events over the wall time, and each component's CPU over the same interval. */
    private record Phase(long events, double seconds, double edgeSeconds, long maxLagRecords, long[] batchMicros,
            Map<String, Double> cpuSeconds) {

        String row(String what) {
            long[] sorted = batchMicros.clone();
            Arrays.sort(sorted);
            StringBuilder cpu = new StringBuilder();
            // CPU milliseconds per 1,000 events (a duration, not an amount of money), summed over the components
            double componentCpuMs = 0;
            for (var e : cpuSeconds.entrySet()) {
                double perThousand = e.getValue() * 1000 / (events / 1000.0);
                if (!e.getKey().equals("load generator")) {
                    componentCpuMs += perThousand;
                }
                cpu.append(" | ").append(String.format(Locale.ROOT, "%.0f", perThousand));
            }
            return String.format(Locale.ROOT,
                    "| %s | %d | %.2f | **%.0f** | %.0f | %d (%d events) | %.0f / %.0f%s | **%.0f** |",
                    what, events, seconds, events / seconds, events / edgeSeconds, maxLagRecords,
                    maxLagRecords * BATCH, sorted[sorted.length / 2] / 1000.0,
                    sorted[(int) (sorted.length * 0.99)] / 1000.0, cpu, componentCpuMs);
        }
    }

    @FunctionalInterface
    private interface Load {
        long[] run() throws Exception;
    }

    private Phase measure(String phase, Load load, List<String> services, ProcessHandle broker, CpuMeter pgAndLoad,
            Admin admin) throws Exception {
        return measure(phase, load, services, broker, pgAndLoad, () -> lag(admin));
    }

    /** @param lag what is not yet written (records), sampled during the phase; the phase ends when it is 0 */
    private Phase measure(String phase, Load load, List<String> services, ProcessHandle broker, CpuMeter pgAndLoad,
            java.util.concurrent.Callable<Long> lag) throws Exception {
        Map<String, Double> before = cpu(services, broker, pgAndLoad);
        AtomicLong maxLag = new AtomicLong();
        // the lag is sampled every 250 ms on a scheduler while the load runs (a sampling rate, not a wait)
        ScheduledExecutorService sampler = Executors.newSingleThreadScheduledExecutor();
        if (broker != null) {
            sampler.scheduleAtFixedRate(() -> {
                try {
                    maxLag.accumulateAndGet(lag.call(), Math::max);
                } catch (Exception missed) {
                    // one missed sample
                }
            }, 0, 250, TimeUnit.MILLISECONDS);
        }
        long start = System.nanoTime();
        long[] latencies = load.run();
        double edgeSeconds = (System.nanoTime() - start) / 1e9;
        if (broker != null) {
            awaitUntil(Duration.ofMinutes(10), () -> lag.call() == 0, phase + " written");
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        sampler.shutdownNow();
        sampler.awaitTermination(10, TimeUnit.SECONDS);
        Map<String, Double> after = cpu(services, broker, pgAndLoad);
        Map<String, Double> used = new LinkedHashMap<>();
        after.forEach((k, v) -> used.put(k, v - before.get(k)));
        System.out.printf(Locale.ROOT, "bench kafka %s: %d events in %.2f s (edge %.2f s), max lag %d, cpu s %s%n",
                phase, (long) BATCHES * BATCH, seconds, edgeSeconds, maxLag.get(), used);
        return new Phase((long) BATCHES * BATCH, seconds, edgeSeconds, maxLag.get(), latencies, used);
    }

    /**
     * CPU seconds so far of: the services named (the edge or the direct replica first, then the consumers summed),
     * the broker, PostgreSQL, and this JVM (the load generator).
     */
    private Map<String, Double> cpu(List<String> services, ProcessHandle broker, CpuMeter pgAndLoad)
            throws IOException {
        Map<String, Double> cpu = new LinkedHashMap<>();
        cpu.put("service", seconds(processes.get(services.get(0)).toHandle()));
        double consumers = 0;
        for (String name : services.subList(1, services.size())) {
            consumers += seconds(processes.get(name).toHandle());
        }
        cpu.put("consumers", consumers);
        cpu.put("broker", broker == null ? 0 : seconds(broker));
        CpuMeter.Sample s = pgAndLoad.sample();
        cpu.put("postgres", s.postgresSeconds());
        cpu.put("load generator", s.jvmSeconds());
        return cpu;
    }

    private static double seconds(ProcessHandle p) {
        return p.info().totalCpuDuration().map(d -> d.toNanos() / 1e9).orElseThrow();
    }

    /** Sends {@code batches} requests of 1,000 new events from {@link #CLIENTS} connections; each one's latency. */
    private long[] send(String url, String prefix, int batches) throws Exception {
        URL base = URI.create(url).toURL();
        List<byte[]> requests = new ArrayList<>();
        for (int b = 0; b < batches; b++) {
            String org = "scale-" + (b % ORGS);
            String token = TestTokens.as(Roles.USAGE_REPORTER).org(org).environment("live").bearer();
            requests.add(RawHttp.postJson(base, "/v1/usage-events", token, batch(prefix + "-" + b)));
        }
        long[] latencies = new long[batches];
        AtomicInteger next = new AtomicInteger();
        AtomicReference<Throwable> failure = new AtomicReference<>();
        List<Thread> threads = new ArrayList<>();
        for (int c = 0; c < CLIENTS; c++) {
            Thread t = new Thread(() -> {
                try (RawHttp http = new RawHttp(base)) {
                    int i;
                    while ((i = next.getAndIncrement()) < batches && failure.get() == null) {
                        long t0 = System.nanoTime();
                        RawHttp.Response r = http.send(requests.get(i));
                        latencies[i] = (System.nanoTime() - t0) / 1000;
                        if (r.status() != 200) {
                            throw new IllegalStateException("batch answered " + r.status() + ": " + r.text());
                        }
                    }
                } catch (Throwable e) {
                    failure.compareAndSet(null, e);
                }
            });
            t.start();
            threads.add(t);
        }
        for (Thread t : threads) {
            t.join();
        }
        if (failure.get() != null) {
            throw new IllegalStateException("load failed", failure.get());
        }
        return latencies;
    }

    private static String batch(String prefix) {
        StringBuilder sb = new StringBuilder(BATCH * 160).append("{\"events\":[");
        for (int k = 0; k < BATCH; k++) {
            if (k > 0) {
                sb.append(',');
            }
            sb.append("{\"eventId\":\"").append(prefix).append('-').append(k)
                    .append("\",\"endUserId\":\"u-").append(k % 50)
                    .append("\",\"model\":\"").append(k % 3 == 0 ? "gpt-4o" : "gpt-4o-mini")
                    .append("\",\"inputTokens\":1200,\"outputTokens\":300,\"occurredAt\":\"").append(OCCURRED)
                    .append("\"}");
        }
        return sb.append("]}").toString();
    }

    /** Records the group has not committed yet, over every partition (the log's start when nothing is committed). */
    private static long lag(Admin admin) throws Exception {
        return lag(admin, GROUP, TOPIC);
    }

    /** The same for any group and topic (the stream aggregation's application and its sink). */
    private static long lag(Admin admin, String group, String topic) throws Exception {
        Map<TopicPartition, OffsetAndMetadata> committed = admin.listConsumerGroupOffsets(group)
                .partitionsToOffsetAndMetadata().get(10, TimeUnit.SECONDS);
        int partitions = admin.describeTopics(List.of(topic)).allTopicNames().get(10, TimeUnit.SECONDS).get(topic)
                .partitions().size();
        Map<TopicPartition, OffsetSpec> latest = new HashMap<>(), earliest = new HashMap<>();
        for (int p = 0; p < partitions; p++) {
            latest.put(new TopicPartition(topic, p), OffsetSpec.latest());
            earliest.put(new TopicPartition(topic, p), OffsetSpec.earliest());
        }
        var ends = admin.listOffsets(latest).all().get(10, TimeUnit.SECONDS);
        var starts = admin.listOffsets(earliest).all().get(10, TimeUnit.SECONDS);
        long lag = 0;
        for (TopicPartition tp : latest.keySet()) {
            OffsetAndMetadata c = committed.get(tp);
            lag += ends.get(tp).offset() - (c != null ? c.offset() : starts.get(tp).offset());
        }
        return lag;
    }

    private static int groupMembers(Admin admin) throws Exception {
        ConsumerGroupDescription group = admin.describeConsumerGroups(List.of(GROUP)).all().get(10, TimeUnit.SECONDS)
                .get(GROUP);
        return "STABLE".equals(group.groupState().name()) ? group.members().size() : -1;
    }

    private static long rollupRows(String jdbc) throws Exception {
        return single(jdbc, "select count(*) from usage_minute_rollups");
    }

    private static long rollupEvents(String jdbc) throws Exception {
        return single(jdbc, "select coalesce(sum(events), 0) from usage_minute_rollups");
    }

    private static long single(String jdbc, String sql) throws Exception {
        try (Connection c = DriverManager.getConnection(jdbc, "postgres", "postgres");
                ResultSet rs = c.createStatement().executeQuery(sql)) {
            rs.next();
            return rs.getLong(1);
        }
    }

    private static long events(String jdbc, String prefix) throws Exception {
        try (Connection c = DriverManager.getConnection(jdbc, "postgres", "postgres");
                var ps = c.prepareStatement("select count(*) from usage_events where event_id like ?")) {
            ps.setString(1, prefix + "-%");
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getLong(1);
            }
        }
    }

    private String start(String name, Path jar, Map<String, String> config) throws IOException {
        int port;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        List<String> command = new ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                // the same JVM for every component: full JIT (a benchmark), a fixed heap, one GC thread's worth
                "-Xms256m", "-Xmx512m", "-XX:+UseSerialGC",
                "-Dquarkus.http.host=127.0.0.1", "-Dquarkus.http.port=" + port,
                "-D%prod.quarkus.oidc.auth-server-url=",
                "-Daccrue.service-auth.static-token=bench-token",
                "-Daccrue.service-auth.client-secret=bench-secret",
                "-Daccrue.usage.stripe.api-key=sk_test_bench",
                "-Daccrue.clock.fixed-at=" + NOW,
                "-Daccrue.usage.stripe.meter-every=off",
                "-Daccrue.usage.budgets.evaluate-every=off",
                "-Daccrue.usage.billing-events.publish-every=off",
                "-Daccrue.usage.events.partition-every=off"));
        config.forEach((k, v) -> command.add("-D" + k + "=" + v));
        command.addAll(List.of("-jar", jar.toString()));
        Process p = new ProcessBuilder(command).redirectErrorStream(true)
                .redirectOutput(logs.resolve(name + ".log").toFile()).start();
        processes.put(name, p);
        return "http://127.0.0.1:" + port;
    }

    private void awaitReady(String name, String url) throws Exception {
        HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(1)).build();
        HttpRequest ready = HttpRequest.newBuilder(URI.create(url + "/q/health/ready"))
                .timeout(Duration.ofSeconds(2)).build();
        Process p = processes.get(name);
        awaitUntil(Duration.ofMinutes(4), () -> {
            if (!p.isAlive()) {
                throw new IllegalStateException(name + " exited with " + p.exitValue() + "; see "
                        + logs.resolve(name + ".log"));
            }
            try {
                return http.send(ready, HttpResponse.BodyHandlers.discarding()).statusCode() == 200;
            } catch (IOException notYet) {
                return false;
            }
        }, name + " ready");
    }

    private static void awaitUntil(Duration atMost, java.util.concurrent.Callable<Boolean> condition, String what) {
        org.awaitility.Awaitility.await(what).atMost(atMost).pollInterval(Duration.ofMillis(250))
                .ignoreExceptionsMatching(e -> !(e instanceof IllegalStateException)).until(condition);
    }

    /**
     * What one event costs to keep: the broker's log folder and the PostgreSQL database over the events they hold
     * (every phase's and warm-up's events are in both, the direct ones only in PostgreSQL).
     */
    private static String storage(String jdbc, LocalKafka broker) throws Exception {
        long logBytes;
        try (var files = Files.walk(broker.home().resolve("data"))) {
            logBytes = files.filter(Files::isRegularFile).filter(f -> f.getFileName().toString().endsWith(".log"))
                    .filter(f -> f.toString().contains(TOPIC)).mapToLong(f -> f.toFile().length()).sum();
        }
        long kafkaEvents = (long) MAX_CONSUMERS * (BATCHES + WARMUP) * BATCH;
        try (Connection c = DriverManager.getConnection(jdbc, "postgres", "postgres");
                ResultSet rs = c.createStatement().executeQuery("select pg_database_size(current_database()),"
                        + " (select count(*) from usage_events)")) {
            rs.next();
            return String.format(Locale.ROOT, "usage log: %d bytes for %d events (%.0f B/event, uncompressed JSON);"
                    + " PostgreSQL database: %d bytes for %d events (%.0f B/event with indexes, ids, rollups)",
                    logBytes, kafkaEvents, (double) logBytes / kafkaEvents, rs.getLong(1), rs.getLong(2),
                    (double) rs.getLong(1) / rs.getLong(2));
        }
    }

    private void write(String durability, LocalKafka broker, String storage) throws IOException {
        String cpu = Files.readAllLines(Path.of("/proc/cpuinfo")).stream().filter(l -> l.startsWith("model name"))
                .findFirst().map(l -> l.substring(l.indexOf(':') + 1).strip()).orElse("unknown");
        String md = String.format(Locale.ROOT,
                """
                        ## Ingestion mode kafka: 1, 2, 3 consumer replicas vs direct mode (%s)

                        Machine: %s, %d cores visible, JDK %s; %s; Kafka broker %s (one node, KRaft, log flushed per
                        message). Load average before: `%s`, after: `%s`. %d batches of %d events per phase from %d
                        connections, %d organisations (the log's key), 12 partitions.

                        | phase | events | seconds | events/s end to end | events/s accepted at the edge | max lag, records | batch p50 / p99 ms | CPU ms per 1,000 events: edge or direct replica | consumers | broker | PostgreSQL | load generator | **total (without the load generator)** |
                        |---|---|---|---|---|---|---|---|---|---|---|---|---|
                        %s

                        Storage: %s.

                        Stream aggregation: %s.
                        """,
                Instant.now(), cpu, Runtime.getRuntime().availableProcessors(),
                System.getProperty("java.version"), durability, broker.bootstrapServers(), loadBefore,
                Files.readString(Path.of("/proc/loadavg")).strip(), BATCHES, BATCH, CLIENTS, ORGS,
                String.join("\n", rows), storage, streamNote);
        Files.writeString(logs.getParent().resolve("kafka-scaleout.md"), md);
        System.out.println(md);
    }
}
