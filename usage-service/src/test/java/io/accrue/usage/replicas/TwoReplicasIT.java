package io.accrue.usage.replicas;

import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.equalTo;
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
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import io.accrue.common.security.Roles;
import io.accrue.testing.OidcKeysResource;
import io.accrue.testing.PostgresResource;
import io.accrue.testing.TestTokens;
import io.accrue.usage.SubscriptionServiceStub;
import io.restassured.http.ContentType;
import io.restassured.specification.RequestSpecification;

/**
 * Two replicas of the packaged service ({@code target/quarkus-app/quarkus-run.jar}, started as child JVMs the way
 * the local stack starts services) on one PostgreSQL, with the same token issuer and the same frozen clock.
 * Concurrent reservations for one end user are spread over both: the admitted total never exceeds the cap (bound:
 * zero), because admission is one conditional UPDATE of the counter rows, serialised by PostgreSQL's row lock
 * whichever replica sends it. Runs in {@code verify} (failsafe), after {@code package} has built the jar.
 */
class TwoReplicasIT {

    private static final String NOW = "2026-03-15T10:00:00Z";
    private static final long CAP = 10_000;
    private static final long ESTIMATE = 700;

    private static final List<Process> replicas = new ArrayList<>();
    private static final List<String> urls = new ArrayList<>();
    private static SubscriptionServiceStub subscription;

    @BeforeAll
    static void startTwoReplicas() throws Exception {
        Path jar = Path.of(System.getProperty("accrue.usage.app", "target/quarkus-app/quarkus-run.jar"));
        assertTrue(Files.isRegularFile(jar), jar + " is missing: this test runs after package (mvn verify)");
        PostgresResource postgres = new PostgresResource();
        postgres.init(Map.of("database", "usage_replicas"));
        Map<String, String> db = postgres.start();
        Map<String, String> oidc = new OidcKeysResource().start();
        subscription = new SubscriptionServiceStub();
        Map<String, String> neighbours = subscription.start();
        Path logs = jar.getParent().getParent().resolve("replicas");
        Files.createDirectories(logs);
        for (String name : List.of("a", "b")) {
            int port = freePort();
            List<String> command = new ArrayList<>(List.of(
                    Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                    "-Xms64m", "-Xmx256m", "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC",
                    "-Dquarkus.http.host=127.0.0.1", "-Dquarkus.http.port=" + port,
                    "-Dquarkus.datasource.jdbc.url=" + db.get("quarkus.datasource.jdbc.url"),
                    "-Dquarkus.datasource.username=" + db.get("quarkus.datasource.username"),
                    "-Dquarkus.datasource.password=" + db.get("quarkus.datasource.password"),
                    // the test issuer's public key: tokens are validated locally; the prod profile's provider
                    // URL is cleared, or OIDC would fetch keys from whatever listens there
                    "-D%prod.quarkus.oidc.auth-server-url=",
                    "-Dquarkus.oidc.public-key=" + oidc.get("quarkus.oidc.public-key"),
                    "-Dquarkus.oidc.token.issuer=" + oidc.get("quarkus.oidc.token.issuer"),
                    "-Dquarkus.rest-client.subscription-service.url="
                            + neighbours.get("quarkus.rest-client.subscription-service.url"),
                    "-Daccrue.service-auth.static-token=replica-test-token",
                    // secrets have no default in the prod profile: the service would not start without them
                    "-Daccrue.service-auth.client-secret=replica-test-secret",
                    "-Daccrue.usage.stripe.api-key=sk_test_replicas",
                    // both replicas share one frozen "now", so their day and month windows are the same rows
                    "-Daccrue.clock.fixed-at=" + NOW,
                    "-Daccrue.usage.stripe.meter-every=off",
                    "-Daccrue.usage.budgets.evaluate-every=off",
                    "-Daccrue.usage.billing-events.publish-every=off",
                    "-jar", jar.toString()));
            Process p = new ProcessBuilder(command).redirectErrorStream(true)
                    .redirectOutput(logs.resolve("replica-" + name + ".log").toFile()).start();
            replicas.add(p);
            urls.add("http://127.0.0.1:" + port);
        }
        Instant deadline = Instant.now().plus(Duration.ofMinutes(4));
        for (int i = 0; i < replicas.size(); i++) {
            awaitReady(replicas.get(i), urls.get(i), deadline,
                    logs.resolve("replica-" + (i == 0 ? "a" : "b") + ".log"));
        }
    }

    @AfterAll
    static void stopReplicas() throws InterruptedException {
        for (Process p : replicas) {
            p.destroy();
        }
        for (Process p : replicas) {
            if (!p.waitFor(20, TimeUnit.SECONDS)) {
                p.destroyForcibly();
            }
        }
        if (subscription != null) {
            subscription.stop();
        }
    }

    @Test
    void reservationsSpreadOverTwoReplicasNeverOverrunTheCap() throws Exception {
        String org = "org-" + UUID.randomUUID();
        given().baseUri(urls.get(0)).header("Authorization", TestTokens.bearer(org, Roles.OWNER))
                .contentType(ContentType.JSON).body("""
                        {"slug":"capped","name":"Capped","pricing":"markup","markupPercent":"0","enforcement":"block",
                         "dailyTokenLimit":%d}""".formatted(CAP))
                .when().put("/v1/orgs/{org}/rate-plans/capped", org).then().statusCode(200);
        String token = TestTokens.as(Roles.USAGE_REPORTER).org(org).environment("live").bearer();

        int attempts = 120;
        AtomicInteger[] admittedBy = {new AtomicInteger(), new AtomicInteger()};
        AtomicInteger refused = new AtomicInteger();
        AtomicInteger settled = new AtomicInteger();
        ExecutorService pool = Executors.newFixedThreadPool(16);
        List<Callable<Void>> calls = new ArrayList<>();
        for (int i = 0; i < attempts; i++) {
            int replica = i % 2;
            int n = i;
            calls.add(() -> {
                var reserved = reporter(urls.get(replica), token)
                        .body("{\"endUserId\":\"hot\",\"model\":\"gpt-4o\",\"estimatedTokens\":" + ESTIMATE + "}")
                        .post("/v1/quota/reservations");
                if (reserved.statusCode() == 201) {
                    admittedBy[replica].incrementAndGet();
                    // The usage event settles the hold on the other replica, as a gateway behind a load balancer
                    // would: 500 input + 200 output tokens, exactly the estimate.
                    String id = reserved.path("id");
                    int status = reporter(urls.get(1 - replica), token).body("""
                            {"eventId":"e-%d","endUserId":"hot","model":"gpt-4o","inputTokens":500,"outputTokens":200,
                             "occurredAt":"2026-03-15T09:59:00Z","reservationId":"%s"}""".formatted(n, id))
                            .post("/v1/usage-events").statusCode();
                    if (status == 201) {
                        settled.incrementAndGet();
                    }
                } else if (reserved.statusCode() == 429) {
                    refused.incrementAndGet();
                }
                return null;
            });
        }
        for (Future<Void> f : pool.invokeAll(calls)) {
            f.get();
        }
        pool.shutdown();

        int admitted = admittedBy[0].get() + admittedBy[1].get();
        assertEquals(CAP / ESTIMATE, admitted, "10,000 / 700 = 14 reservations fit, whichever replica admits them");
        assertEquals(attempts - admitted, refused.get(), "every other attempt is refused with 429");
        assertTrue(admittedBy[0].get() > 0 && admittedBy[1].get() > 0,
                "both replicas admitted some: a=" + admittedBy[0] + ", b=" + admittedBy[1]);
        assertEquals(admitted, settled.get());
        for (String url : urls) {
            reporter(url, token).queryParam("endUserId", "hot").get("/v1/quota/check").then().statusCode(200)
                    .body("remaining.dailyTokens", equalTo((int) (CAP - admitted * ESTIMATE)));
            reporter(url, token).body("{\"endUserId\":\"hot\",\"estimatedTokens\":" + ESTIMATE + "}")
                    .post("/v1/quota/reservations").then().statusCode(429).body("code", equalTo("quota_exceeded"));
        }
        given().baseUri(urls.get(1)).header("Authorization", TestTokens.bearer(org, Roles.MEMBER))
                .queryParam("from", "2026-03-15T00:00:00Z").queryParam("to", "2026-03-16T00:00:00Z")
                .get("/v1/orgs/{org}/usage/summary", org).then().statusCode(200)
                .body("totals.totalTokens", equalTo((int) (admitted * ESTIMATE)))
                .body("totals.requests", equalTo(admitted));
    }

    private static RequestSpecification reporter(String url, String token) {
        return given().baseUri(url).header("Authorization", token).contentType(ContentType.JSON);
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    private static void awaitReady(Process p, String url, Instant deadline, Path log) throws Exception {
        HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(1)).build();
        HttpRequest ready = HttpRequest.newBuilder(URI.create(url + "/q/health/ready"))
                .timeout(Duration.ofSeconds(2)).build();
        try {
            await().atMost(Duration.between(Instant.now(), deadline)).pollInterval(Duration.ofMillis(300))
                    .until(() -> {
                        if (!p.isAlive()) {
                            throw new IllegalStateException("replica at " + url + " exited with " + p.exitValue()
                                    + ":\n" + tail(log));
                        }
                        try {
                            return http.send(ready, HttpResponse.BodyHandlers.discarding()).statusCode() == 200;
                        } catch (IOException notYet) {
                            return false; // not listening yet
                        }
                    });
        } catch (org.awaitility.core.ConditionTimeoutException e) {
            throw new IllegalStateException("replica at " + url + " was not ready in time:\n" + tail(log));
        }
    }

    private static String tail(Path log) throws IOException {
        List<String> lines = Files.readAllLines(log);
        return String.join("\n", lines.subList(Math.max(0, lines.size() - 40), lines.size()));
    }
}
