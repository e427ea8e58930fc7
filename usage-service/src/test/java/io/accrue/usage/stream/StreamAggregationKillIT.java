package io.accrue.usage.stream;

import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Collectors;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ListTransactionsOptions;
import org.apache.kafka.clients.admin.TransactionListing;
import org.apache.kafka.clients.admin.TransactionState;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import io.accrue.common.security.Roles;
import io.accrue.kafkabroker.LocalKafka;
import io.accrue.testing.OidcKeysResource;
import io.accrue.testing.PostgresResource;
import io.accrue.testing.TestTokens;
import io.accrue.usage.SubscriptionServiceStub;
import io.accrue.usage.UsageFixtures;
import io.restassured.http.ContentType;

/**
 * Issue 17: the stream aggregation's process killed with SIGKILL while a Kafka transaction of its Streams app is open
 * (exactly-once v2), then started again on the same state folder under the same static member id — twice, while
 * requests keep arriving. Every component is its own process: the broker (kafka-broker module), PostgreSQL
 * (embedded), the packaged service as the kafka-mode edge with the per-event consumer ({@code consume=true}: its
 * {@code usage_events} are the reference) and the packaged service once more as the stream-aggregation replica
 * ({@code consume=false}), which is the one killed. A kill counts only when the broker still lists the app's
 * transaction as ongoing after the process is gone (nobody can commit it any more: it was open at the kill).
 * Afterwards {@code usage_minute_rollups} equal the per-event rows summed per minute and the queued events exactly —
 * the aborted transactions' totals counted never, nothing lost. Runs in {@code verify} (failsafe), after
 * {@code package}.
 */
class StreamAggregationKillIT {

    private static final String NOW = "2026-03-15T10:00:00Z";
    private static final String APP = "usage-minute-aggregation";
    private static final int EVENTS_PER_REQUEST = 20;
    private static final int ORGS = 6;
    private static final int KILLS = 2;

    private final Map<String, Process> processes = new HashMap<>();
    private final Map<String, List<String>> commands = new HashMap<>();
    private final List<AutoCloseable> resources = new ArrayList<>();
    private Path logs;

    @AfterEach
    void stopAll() throws Exception {
        for (Process p : processes.values()) {
            p.destroy();
        }
        for (Process p : processes.values()) {
            if (!p.waitFor(20, TimeUnit.SECONDS)) {
                p.destroyForcibly();
            }
        }
        for (AutoCloseable r : resources.reversed()) {
            r.close();
        }
    }

    @Test
    void killedMidTransactionAndRestartedTheRollupsCountEachEventOnce() throws Exception {
        Path jar = Path.of(System.getProperty("accrue.usage.app", "target/quarkus-app/quarkus-run.jar"));
        assertTrue(Files.isRegularFile(jar), jar + " is missing: this test runs after package (mvn verify)");
        logs = jar.getParent().getParent().resolve("stream-kill");
        Files.createDirectories(logs);

        PostgresResource postgres = new PostgresResource();
        postgres.init(Map.of("database", "usage_stream_kill"));
        Map<String, String> db = postgres.start();
        resources.add(postgres::stop);
        String jdbc = db.get("quarkus.datasource.jdbc.url");
        Map<String, String> oidc = new OidcKeysResource().start();
        SubscriptionServiceStub subscription = new SubscriptionServiceStub();
        Map<String, String> neighbours = subscription.start();
        resources.add(subscription::stop);
        LocalKafka broker = LocalKafka.start(Files.createTempDirectory("stream-kill-kafka"),
                LocalKafka.freePortPair(), Duration.ofMinutes(3));
        resources.add(broker);

        Map<String, String> kafka = new HashMap<>();
        kafka.put("quarkus.datasource.jdbc.url", jdbc);
        kafka.put("quarkus.datasource.username", db.get("quarkus.datasource.username"));
        kafka.put("quarkus.datasource.password", db.get("quarkus.datasource.password"));
        kafka.put("quarkus.oidc.public-key", oidc.get("quarkus.oidc.public-key"));
        kafka.put("quarkus.oidc.token.issuer", oidc.get("quarkus.oidc.token.issuer"));
        kafka.put("quarkus.rest-client.subscription-service.url",
                neighbours.get("quarkus.rest-client.subscription-service.url"));
        kafka.put("accrue.usage.ingest.mode", "kafka");
        kafka.put("accrue.usage.ingest.kafka.bootstrap-servers", broker.bootstrapServers());
        kafka.put("accrue.usage.ingest.kafka.partitions", "3");

        String edge = start("edge", jar, kafka);
        awaitReady("edge", edge);
        Map<String, String> streams = new HashMap<>(kafka);
        streams.put("accrue.usage.ingest.kafka.consume", "false");
        streams.put("accrue.usage.stream-aggregation.enabled", "true");
        streams.put("accrue.usage.stream-aggregation.emit-every", "PT0.2S");
        streams.put("accrue.usage.stream-aggregation.instance-id", "stream-kill-0");
        streams.put("accrue.usage.stream-aggregation.state-dir", logs.resolve("state-" + UUID.randomUUID()).toString());
        long startedAt = System.currentTimeMillis();
        awaitReady("streams", start("streams", jar, streams));

        Poster poster = new Poster(edge);
        Thread posting = new Thread(poster, "poster");
        posting.start();
        try (Admin admin = Admin.create(Map.of("bootstrap.servers", broker.bootstrapServers()))) {
            await("the stream aggregation wrote rollups").atMost(Duration.ofMinutes(3))
                    .pollInterval(Duration.ofMillis(500)).until(() -> rollupEvents(jdbc) > 0);
            int midTransaction = 0;
            long since = startedAt;
            for (int attempt = 0; attempt < 8 && midTransaction < KILLS; attempt++) {
                // kill while the running process's producer holds an open transaction (one it began: a transaction
                // left open by the process killed before is aborted when this one initialised its producer)
                long from = since;
                await("an open transaction of the Streams app").atMost(Duration.ofMinutes(2))
                        .pollInterval(Duration.ofMillis(20)).until(() -> !ongoing(admin, from).isEmpty());
                Process killed = processes.get("streams");
                killed.destroyForcibly();
                assertTrue(killed.waitFor(30, TimeUnit.SECONDS), "the streams replica died");
                assertEquals(128 + 9, killed.exitValue(), "ended by SIGKILL");
                // no process of the app runs now: a transaction still open was open at the kill
                Map<String, Long> open = ongoing(admin, from);
                if (!open.isEmpty()) {
                    midTransaction++;
                    System.out.println("stream-kill: killed with transactions open (id = start ms): " + open);
                }
                // restarted on the same state folder and member id, as a pod would be; the open transaction is
                // fenced and aborted by the restarted producer (or the transaction timeout), never committed
                since = System.currentTimeMillis();
                awaitReady("streams", start("streams", jar, streams));
                long before = poster.queued();
                await("requests queued after the restart").atMost(Duration.ofMinutes(2))
                        .until(() -> poster.queued() >= before + 10);
            }
            assertEquals(KILLS, midTransaction, "killed " + KILLS + " times inside an open transaction");
        } finally {
            poster.stop();
            posting.join();
        }
        assertTrue(poster.failure.get() == null, "the edge queued every request: " + poster.failure.get());

        long expected = poster.queued() * EVENTS_PER_REQUEST;
        String like = poster.prefix + "%";
        await("every event written by the per-event consumer").atMost(Duration.ofMinutes(3))
                .pollInterval(Duration.ofMillis(500))
                .until(() -> single(jdbc, "select count(*) from usage_events where org_id like ?", like) == expected);
        await("the minute rollups equal the per-event rows summed per minute").atMost(Duration.ofMinutes(3))
                .pollInterval(Duration.ofMillis(500)).untilAsserted(() -> assertEquals(perEvent(jdbc, like),
                        rollups(jdbc, like)));
        assertEquals(expected, single(jdbc,
                "select coalesce(sum(events), 0) from usage_minute_rollups where org_id like ?", like),
                "every queued event counted once");
        assertTrue(poster.retries() > 0, "client retries were part of the stream");
    }

    /** The app's transactions the broker holds open that began after {@code since} (transactional id: start ms). */
    private static Map<String, Long> ongoing(Admin admin, long since) throws Exception {
        Set<String> ids = admin.listTransactions(new ListTransactionsOptions()
                .filterStates(List.of(TransactionState.ONGOING))).all().get(10, TimeUnit.SECONDS).stream()
                .map(TransactionListing::transactionalId).filter(id -> id.startsWith(APP)).collect(Collectors.toSet());
        Map<String, Long> open = new HashMap<>();
        if (ids.isEmpty()) {
            return open;
        }
        admin.describeTransactions(ids).all().get(10, TimeUnit.SECONDS).forEach((id, d) -> {
            long began = d.transactionStartTimeMs().orElse(-1);
            if (d.state() == TransactionState.ONGOING && began >= since) {
                open.put(id, began);
            }
        });
        return open;
    }

    /** Requests of 20 events from six organisations over three minutes; every fifth one sent twice (a retry). */
    private static final class Poster implements Runnable {
        final String prefix = "kill-" + UUID.randomUUID().toString().substring(0, 8) + "-";
        final AtomicReference<String> failure = new AtomicReference<>();
        private final String url;
        private final AtomicBoolean stopped = new AtomicBoolean();
        private final AtomicLong queued = new AtomicLong();
        private final AtomicLong retries = new AtomicLong();

        Poster(String url) {
            this.url = url;
        }

        long queued() {
            return queued.get();
        }

        long retries() {
            return retries.get();
        }

        void stop() {
            stopped.set(true);
        }

        @Override
        public void run() {
            while (!stopped.get() && failure.get() == null) {
                long n = queued.get();
                String org = prefix + (n % ORGS);
                String token = TestTokens.as(Roles.USAGE_REPORTER).org(org).environment("live").bearer();
                List<String> events = new ArrayList<>();
                for (int i = 0; i < EVENTS_PER_REQUEST; i++) {
                    String at = "2026-03-15T09:0" + (i % 3) + ":" + String.format("%02d", (int) ((n + i) % 60)) + "Z";
                    events.add(UsageFixtures.event("r" + n + "-" + i, "u-" + i % 4,
                            i % 2 == 0 ? "openai/gpt-4o" : "gpt-4o-mini", 100 + i, 10 + i, at));
                }
                String body = events.stream().collect(Collectors.joining(",", "{\"events\":[", "]}"));
                int sends = n % 5 == 0 ? 2 : 1;
                for (int s = 0; s < sends; s++) {
                    int status = given().baseUri(url).header("Authorization", token).contentType(ContentType.JSON)
                            .body(body).post("/v1/usage-events").then().extract().statusCode();
                    if (status != 200) {
                        failure.set("request " + n + " answered " + status);
                        return;
                    }
                }
                retries.addAndGet(sends - 1);
                queued.incrementAndGet();
            }
        }
    }

    private static List<List<String>> perEvent(String jdbc, String like) throws Exception {
        return rows(jdbc, """
                select org_id, end_user_id, coalesce(model_id, model_requested), coalesce(currency, 'XXX'),
                       date_trunc('minute', occurred_at), count(*), sum(input_tokens), sum(output_tokens),
                       sum(cached_tokens), sum(reasoning_tokens), sum(tool_calls), sum(cost)
                from usage_events where org_id like ? group by 1, 2, 3, 4, 5 order by 1, 5, 2, 3, 4""", like);
    }

    private static List<List<String>> rollups(String jdbc, String like) throws Exception {
        return rows(jdbc, """
                select org_id, end_user_id, model, currency, minute, events, input_tokens, output_tokens,
                       cached_tokens, reasoning_tokens, tool_calls, cost
                from usage_minute_rollups where org_id like ? order by 1, 5, 2, 3, 4""", like);
    }

    private static long rollupEvents(String jdbc) throws Exception {
        return single(jdbc, "select coalesce(sum(events), 0) from usage_minute_rollups where org_id like ?", "%");
    }

    private static long single(String jdbc, String sql, String like) throws Exception {
        return Long.parseLong(rows(jdbc, sql, like).get(0).get(0));
    }

    private static List<List<String>> rows(String jdbc, String sql, String like) throws Exception {
        try (Connection c = DriverManager.getConnection(jdbc, "postgres", "postgres");
                PreparedStatement ps = c.prepareStatement(sql)) {
            ps.setString(1, like);
            try (ResultSet rs = ps.executeQuery()) {
                List<List<String>> out = new ArrayList<>();
                int n = rs.getMetaData().getColumnCount();
                while (rs.next()) {
                    List<String> row = new ArrayList<>();
                    for (int i = 1; i <= n; i++) {
                        row.add(rs.getString(i));
                    }
                    out.add(row);
                }
                return out;
            }
        }
    }

    /** Starts (or starts again, with the same command) the packaged service as the named process. */
    private String start(String name, Path jar, Map<String, String> config) throws IOException {
        List<String> command = commands.get(name);
        if (command == null) {
            int port;
            try (ServerSocket s = new ServerSocket(0)) {
                port = s.getLocalPort();
            }
            command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                    "-Xms64m", "-Xmx384m", "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC",
                    "-Dquarkus.http.host=127.0.0.1", "-Dquarkus.http.port=" + port,
                    "-D%prod.quarkus.oidc.auth-server-url=",
                    "-Daccrue.service-auth.static-token=stream-kill-token",
                    "-Daccrue.service-auth.client-secret=stream-kill-secret",
                    "-Daccrue.usage.stripe.api-key=sk_test_stream_kill",
                    "-Daccrue.clock.fixed-at=" + NOW,
                    "-Daccrue.usage.stripe.meter-every=off",
                    "-Daccrue.usage.budgets.evaluate-every=off",
                    "-Daccrue.usage.billing-events.publish-every=off",
                    "-Daccrue.usage.events.partition-every=off"));
            for (var e : config.entrySet()) {
                command.add("-D" + e.getKey() + "=" + e.getValue());
            }
            command.addAll(List.of("-jar", jar.toString()));
            commands.put(name, command);
        }
        Process p = new ProcessBuilder(command).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(logs.resolve(name + ".log").toFile())).start();
        processes.put(name, p);
        return command.stream().filter(a -> a.startsWith("-Dquarkus.http.port=")).findFirst()
                .map(a -> "http://127.0.0.1:" + a.substring(a.indexOf('=') + 1)).orElseThrow();
    }

    private void awaitReady(String name, String url) {
        HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(1)).build();
        HttpRequest ready = HttpRequest.newBuilder(URI.create(url + "/q/health/ready"))
                .timeout(Duration.ofSeconds(2)).build();
        Process p = processes.get(name);
        await(name + " ready").atMost(Duration.ofMinutes(4)).pollInterval(Duration.ofMillis(300)).until(() -> {
            if (!p.isAlive()) {
                throw new IllegalStateException(name + " exited with " + p.exitValue() + "; see "
                        + logs.resolve(name + ".log"));
            }
            try {
                return http.send(ready, HttpResponse.BodyHandlers.discarding()).statusCode() == 200;
            } catch (IOException notYet) {
                return false;
            }
        });
    }
}
