package io.accrue.e2e;

import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

import io.accrue.client.AccrueClient;
import io.accrue.client.EventResult;
import io.accrue.client.QuotaAnswer;
import io.accrue.client.QuotaRefusedException;
import io.accrue.client.Reservation;
import io.accrue.client.RetryPolicy;
import io.accrue.client.UsageEvent;
import io.accrue.client.UsageReporter;
import io.restassured.http.ContentType;

/**
 * Both client libraries (clients/java, clients/typescript) against the running stack, authenticated with a real
 * API key that an owner created: reporting with batching and a replay, the summary's totals, quota check, reserve /
 * settle / release, a blocked end user; then the TypeScript package's stack tests under {@code node --test}.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ClientLibrariesTest {

    static final String ORG = "client-libs";
    static final String MODEL = "gpt-4o";
    private static String owner;
    private static String apiKey;
    private static Instant at;
    private static AccrueClient client;

    @BeforeAll
    static void anOwnerCreatesAUsageReporterKey() {
        Suite.stack();
        owner = Suite.token("owner@" + ORG, ORG, "owner");
        given().auth().oauth2(Suite.operatorToken()).contentType(ContentType.JSON)
                .body(Map.of("orgId", ORG, "name", "Client Libs", "currency", "USD", "timeZone", "UTC"))
                .post(Suite.url("subscription-service") + "/v1/accounts").then().statusCode(201);
        apiKey = given().auth().oauth2(owner).contentType(ContentType.JSON)
                .body(Map.of("name", "gateway", "environment", "live", "role", "usage-reporter"))
                .post(Suite.url("subscription-service") + "/v1/accounts/{org}/api-keys", ORG)
                .then().statusCode(201).extract().path("key");
        assertTrue(apiKey.startsWith("acr_live_"), apiKey);
        at = Instant.parse(given().auth().oauth2(Suite.operatorToken())
                .get(Suite.url("usage-service") + "/v1/operator/clock").then().statusCode(200).extract().path("now"));
        client = AccrueClient.builder(Suite.url("usage-service")).apiKey(apiKey)
                .retryPolicy(RetryPolicy.of(4, Duration.ofMillis(100), Duration.ofSeconds(2))).build();
    }

    @AfterAll
    static void everyStripeCallWasAnswered() {
        assertEquals(List.of(), StripeStandIn.unanswered(),
                "requests the Stripe stand-in has no mapping for (add one under local-stack/stripe/mappings)");
    }

    static UsageEvent event(String id, String user, long in, long out) {
        return UsageEvent.builder(id, user, MODEL).inputTokens(in).outputTokens(out).occurredAt(at).build();
    }

    @Test
    @Order(1)
    void theJavaReporterCountsEachEventOnceWhateverTheReplays() throws Exception {
        List<UsageEvent> events = new ArrayList<>();
        for (int i = 1; i <= 5; i++) {
            events.add(event("java-" + i, "u-java", 1000L * i, 100L * i));
        }
        List<CompletableFuture<EventResult>> first = new ArrayList<>();
        List<CompletableFuture<EventResult>> replays = new ArrayList<>();
        try (UsageReporter reporter = UsageReporter.builder(client).maxBatch(3).maxAge(Duration.ofMillis(200))
                .build()) {
            for (UsageEvent e : events) {
                first.add(reporter.report(e));
            }
            for (CompletableFuture<EventResult> f : first) {
                f.get(30, TimeUnit.SECONDS); // the replays go after the originals were answered
            }
            replays.add(reporter.report(events.get(0)));
            replays.add(reporter.report(events.get(3)));
        }
        for (CompletableFuture<EventResult> f : first) {
            EventResult r = f.getNow(null);
            assertEquals(EventResult.Status.ACCEPTED, r.status(), String.valueOf(r));
        }
        for (CompletableFuture<EventResult> f : replays) {
            assertEquals(EventResult.Status.DUPLICATE, f.getNow(null).status());
        }

        Map<String, Object> totals = given().auth().oauth2(owner).queryParam("environment", "live")
                .queryParam("from", at.minus(Duration.ofDays(1)).toString())
                .queryParam("to", at.plus(Duration.ofDays(1)).toString())
                .get(Suite.url("usage-service") + "/v1/orgs/{org}/usage/summary", ORG).then().statusCode(200)
                .extract().jsonPath().getMap("totals");
        // 15,000 in + 1,500 out; list price of gpt-4o 2.50 / 10.00 per million: 0.0375 + 0.015
        assertEquals(16_500L, ((Number) totals.get("totalTokens")).longValue(), totals.toString());
        assertEquals(0, new BigDecimal("0.0525").compareTo(new BigDecimal(String.valueOf(totals.get("cost")))),
                totals.toString());
    }

    @Test
    @Order(2)
    void quotaCheckReserveSettleAndRelease() {
        QuotaAnswer answer = client.checkQuota("u-java", MODEL, 100);
        assertTrue(answer.allowed(), String.valueOf(answer));
        Reservation held = client.reserve("u-java", MODEL, 500, Duration.ofSeconds(120));
        assertEquals("open", held.status());
        assertEquals(500, held.tokens());
        EventResult settled = client.settle(held, event("java-settle", "u-java", 400, 0));
        assertEquals(EventResult.Status.ACCEPTED, settled.status(), String.valueOf(settled));
        Reservation other = client.reserve("u-java", MODEL, 300, null);
        assertEquals("released", client.release(other.id()).status());
    }

    @Test
    @Order(3)
    void aBlockedEndUserIsRefusedWithItsReason() {
        client.release(client.reserve("u-blocked", MODEL, 1, null).id()); // the end user now exists
        given().auth().oauth2(owner).contentType(ContentType.JSON).body(Map.of("reason", "abuse"))
                .post(Suite.url("usage-service") + "/v1/orgs/{org}/end-users/{u}/block", ORG, "u-blocked")
                .then().statusCode(200);
        QuotaRefusedException check = assertThrows(QuotaRefusedException.class,
                () -> client.checkQuota("u-blocked", MODEL, 10));
        assertEquals("end_user_blocked", check.reason());
        assertEquals(403, check.status());
        assertTrue(check.retryAfter().isEmpty(), "a decision, not a rate limit");
        QuotaRefusedException reserve = assertThrows(QuotaRefusedException.class,
                () -> client.reserve("u-blocked", MODEL, 10, null));
        assertEquals("end_user_blocked", reserve.reason());
    }

    /**
     * The client's types are hand-written: checked here against the service's published OpenAPI, so a renamed or
     * removed field or parameter fails this test instead of silently reading null.
     */
    @Test
    @Order(4)
    void theJavaTypesMatchTheServicesOpenApi() {
        io.restassured.path.json.JsonPath api = given().queryParam("format", "json")
                .get(Suite.url("usage-service") + "/q/openapi").then().statusCode(200).extract().jsonPath();
        Map<String, Object> paths = api.getMap("paths");
        for (String p : List.of("/v1/usage-events", "/v1/quota/check", "/v1/quota/reservations",
                "/v1/quota/reservations/{id}")) {
            assertTrue(paths.containsKey(p), p + " in " + paths.keySet());
        }
        List<String> checkParams = api.getList("paths.'/v1/quota/check'.get.parameters.name");
        assertTrue(checkParams.containsAll(List.of("endUserId", "model", "estimatedTokens")), checkParams.toString());
        assertCovers(api, "ReserveRequest", List.of("endUserId", "model", "estimatedTokens", "ttlSeconds"));
        assertCovers(api, "ReservationView", components(io.accrue.client.Reservation.class));
        assertCovers(api, "QuotaAnswer", components(QuotaAnswer.class));
        assertCovers(api, "Remaining", components(QuotaAnswer.Remaining.class));
    }

    private static List<String> components(Class<? extends Record> type) {
        return java.util.Arrays.stream(type.getRecordComponents()).map(java.lang.reflect.RecordComponent::getName)
                .toList();
    }

    private static void assertCovers(io.restassured.path.json.JsonPath api, String schema, List<String> fields) {
        Map<String, Object> props = api.getMap("components.schemas." + schema + ".properties");
        assertTrue(props != null && props.keySet().containsAll(fields),
                schema + " publishes " + (props == null ? null : props.keySet()) + ", the client reads " + fields);
    }

    @Test
    @Order(5)
    void theTypeScriptPackagePassesItsStackTests() throws IOException, InterruptedException {
        Path root = Path.of(System.getProperty("accrue.root", "..")).toAbsolutePath().normalize();
        Path tests = root.resolve("clients/typescript/dist/test/stack");
        assertTrue(Files.isDirectory(tests), tests + " (built by accrue-client-typescript: npm run build)");
        ProcessBuilder pb = new ProcessBuilder("node", "--test", tests.toString()).redirectErrorStream(true);
        pb.environment().putAll(Map.of("ACCRUE_USAGE_URL", Suite.url("usage-service"), "ACCRUE_API_KEY", apiKey,
                "ACCRUE_MODEL", MODEL, "ACCRUE_BLOCKED_END_USER", "u-blocked", "ACCRUE_RUN", "ts-" + at.toEpochMilli(),
                "ACCRUE_OCCURRED_AT", at.toString()));
        Process node = pb.start();
        String output = new String(node.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(node.waitFor(2, TimeUnit.MINUTES), output);
        assertEquals(0, node.exitValue(), output);
        assertTrue(output.contains("# pass 4") && output.contains("# fail 0"), output);
    }
}
