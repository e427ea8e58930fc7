package io.accrue.usage.budget;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.contains;
import static org.hamcrest.Matchers.containsInAnyOrder;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.hasSize;
import static org.hamcrest.Matchers.nullValue;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.Collectors;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

import jakarta.inject.Inject;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.core.WireMockConfiguration;
import com.github.tomakehurst.wiremock.stubbing.Scenario;
import com.github.tomakehurst.wiremock.verification.LoggedRequest;

import io.accrue.common.security.Roles;
import io.accrue.common.time.AdjustableClock;
import io.accrue.testing.TestTokens;
import io.accrue.usage.UsageFixtures;
import io.accrue.usage.webhook.WebhookOutbox;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.specification.RequestSpecification;

/**
 * Budgets, their alerts and the signed webhooks, against a WireMock receiver. The scheduled jobs are off in tests;
 * the tests call the evaluator and the outbox directly, as the jobs would.
 */
@QuarkusTest
class BudgetAlertsTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static WireMockServer receiver;

    @Inject
    BudgetEvaluator evaluator;
    @Inject
    WebhookOutbox outbox;
    @Inject
    AdjustableClock clock;

    private String org;

    @BeforeAll
    static void startReceiver() {
        receiver = new WireMockServer(WireMockConfiguration.options().dynamicPort().bindAddress("127.0.0.1"));
        receiver.start();
    }

    @AfterAll
    static void stopReceiver() {
        receiver.stop();
    }

    @BeforeEach
    void freshOrganisation() {
        org = "org-" + UUID.randomUUID();
        drain(); // deliveries other tests left due are not this test's
    }

    @Test
    void eachThresholdFiresOncePerPeriodAndAgainInTheNextPeriod() throws Exception {
        receiver.stubFor(post(urlPathEqualTo(hook())).willReturn(aResponse().withStatus(204)));
        String secret = registerEndpoint();
        // gpt-4o: 1,000 input + 500 output tokens cost 0.0075 USD
        budget("monthly",
                """
                        {"name":"Monthly provider cost","metric":"cost","amount":"0.03","currency":"USD","thresholds":[50,100]}""");

        ingest("e-1", "u-1", "2026-03-15T09:00:00Z"); // 25 %
        evaluator.evaluate();
        alerts().body("items", hasSize(0));

        ingest("e-2", "u-2", "2026-03-15T09:01:00Z"); // 50 %
        evaluator.evaluate();
        evaluator.evaluate(); // a second round (or a second replica) fires nothing again
        alerts().body("items", hasSize(1)).body("items[0].threshold", equalTo(50))
                .body("items[0].budget", equalTo("monthly")).body("items[0].metric", equalTo("cost"))
                .body("items[0].observed", equalTo("0.015000000000")).body("items[0].limit", equalTo("0.030000000000"))
                .body("items[0].currency", equalTo("USD")).body("items[0].endUserId", nullValue())
                .body("items[0].periodStart", equalTo("2026-03-01T00:00:00Z"))
                .body("items[0].periodEnd", equalTo("2026-04-01T00:00:00Z"))
                .body("items[0].deliveries", hasSize(1)).body("items[0].deliveries[0].status", equalTo("pending"));

        drain();
        List<LoggedRequest> sent = received();
        assertEquals(1, sent.size());
        JsonNode event = JSON.readTree(sent.get(0).getBodyAsString());
        assertEquals("budget.threshold_reached", event.path("type").asText());
        assertEquals(org, event.path("orgId").asText());
        assertEquals("live", event.path("environment").asText());
        assertEquals(50, event.path("data").path("threshold").asInt());
        assertEquals("0.015000000000", event.path("data").path("observed").asText());
        assertEquals(event.path("id").asText(), sent.get(0).getHeader("Accrue-Event-Id"));
        assertSignedWith(secret, sent.get(0));
        alerts().body("items[0].deliveries[0].status", equalTo("delivered"))
                .body("items[0].deliveries[0].attempts", equalTo(1))
                .body("items[0].eventId", equalTo(event.path("id").asText()));

        ingest("e-3", "u-1", "2026-03-15T09:02:00Z");
        ingest("e-4", "u-1", "2026-03-15T09:03:00Z"); // 100 %
        evaluator.evaluate();
        evaluator.evaluate();
        alerts().body("items.threshold", containsInAnyOrder(100, 50));
        budgetView("monthly").body("currentPeriod.observed", equalTo("0.030000000000"))
                .body("currentPeriod.percentUsed", equalTo("100.00"))
                .body("currentPeriod.thresholdsReached", contains(50, 100))
                .body("currentPeriod.alertsFired", equalTo(2));
        drain();
        assertEquals(2, received().size());

        Instant start = clock.instant();
        try {
            clock.set(Instant.parse("2026-04-01T10:00:00Z"));
            evaluator.evaluate(); // March is still open for late events; nothing new there
            alerts().body("items", hasSize(2));
            ingest("a-1", "u-1", "2026-04-01T09:00:00Z");
            ingest("a-2", "u-1", "2026-04-01T09:01:00Z"); // April: 50 %
            evaluator.evaluate();
            evaluator.evaluate();
            alerts().body("items", hasSize(3)).body("items[0].threshold", equalTo(50))
                    .body("items[0].periodStart", equalTo("2026-04-01T00:00:00Z"));
            drain();
        } finally {
            clock.set(start);
        }
        List<LoggedRequest> all = received();
        assertEquals(3, all.size());
        Set<String> ids = new HashSet<>();
        for (LoggedRequest r : all) {
            ids.add(r.getHeader("Accrue-Event-Id"));
            assertSignedWith(secret, r);
        }
        assertEquals(3, ids.size(), "one event id per alert");
    }

    @Test
    void aFailingReceiverIsRetriedWithBackoffAndTheSameEventId() throws Exception {
        receiver.stubFor(post(urlPathEqualTo(hook())).inScenario(org).whenScenarioStateIs(Scenario.STARTED)
                .willSetStateTo("second").willReturn(aResponse().withStatus(500)));
        receiver.stubFor(post(urlPathEqualTo(hook())).inScenario(org).whenScenarioStateIs("second")
                .willSetStateTo("up").willReturn(aResponse().withFixedDelay(6000).withStatus(200)));
        receiver.stubFor(post(urlPathEqualTo(hook())).inScenario(org).whenScenarioStateIs("up")
                .willReturn(aResponse().withStatus(200)));
        String secret = registerEndpoint();
        budget("tokens", """
                {"name":"Tokens","metric":"tokens","tokenLimit":1500}""");
        ingest("e-1", "u-1", "2026-03-15T09:00:00Z"); // 1,500 tokens: 50, 80 and 100 % at once
        evaluator.evaluate();
        alerts().body("items.threshold", containsInAnyOrder(100, 80, 50)).body("items[0].observed", equalTo("1500"))
                .body("items[0].limit", equalTo("1500"));

        Instant start = clock.instant();
        try {
            drain();
            assertEquals(3, received().size()); // one answered 500, one timed out (5 s), one delivered
            alerts().body("items.deliveries.flatten().status", hasItem("pending"));
            // Not due again before the backoff (30 s): nothing is sent.
            drain();
            assertEquals(3, received().size());
            clock.advance(Duration.ofSeconds(31));
            drain();
        } finally {
            clock.set(start);
        }
        List<LoggedRequest> sent = received();
        assertEquals(5, sent.size());
        for (LoggedRequest r : sent) {
            assertSignedWith(secret, r);
        }
        // Each retry carries the same event id and the same bytes: 500 then 200, timeout then 200, 200.
        Map<String, List<String>> byEvent = sent.stream().collect(Collectors.groupingBy(
                r -> r.getHeader("Accrue-Event-Id"), Collectors.mapping(LoggedRequest::getBodyAsString,
                        Collectors.toList())));
        assertEquals(List.of(1, 2, 2), byEvent.values().stream().map(List::size).sorted().toList());
        byEvent.values().forEach(bodies -> assertEquals(1, Set.copyOf(bodies).size()));
        alerts().body("items.deliveries.flatten().status", contains("delivered", "delivered", "delivered"))
                .body("items.deliveries.flatten().attempts.sum()", equalTo(5));
    }

    @Test
    void endUserBudgetsCountOnlyTheirEndUsersAndTestUsageNeverCounts() {
        budget("u1-tokens", """
                {"name":"u-1","metric":"tokens","tokenLimit":3000,"endUserId":"u-1","thresholds":[100]}""");
        budget("per-user",
                """
                        {"name":"Each end user","metric":"tokens","tokenLimit":1000,"scope":"each_end_user","thresholds":[50]}""");
        ingest("e-1", "u-1", "2026-03-15T09:00:00Z"); // 1,500 tokens each
        ingest("e-2", "u-2", "2026-03-15T09:00:00Z");
        reporter("test").body(UsageFixtures.event("t-1", "u-3", "gpt-4o", 100000, 0, "2026-03-15T09:00:00Z"))
                .when().post("/v1/usage-events").then().statusCode(201);
        evaluator.evaluate();
        alerts().body("items", hasSize(2)).body("items.budget", contains("per-user", "per-user"))
                .body("items.endUserId", containsInAnyOrder("u-1", "u-2"));
        budgetView("per-user").body("currentPeriod.observed", nullValue())
                .body("currentPeriod.alertsFired", equalTo(2));
        budgetView("u1-tokens").body("currentPeriod.observed", equalTo("1500"))
                .body("currentPeriod.percentUsed", equalTo("50.00"));

        ingest("e-3", "u-1", "2026-03-15T09:05:00Z");
        evaluator.evaluate();
        alerts().body("items", hasSize(3));
        given().header("Authorization", TestTokens.bearer(org, Roles.MEMBER)).queryParam("budget", "u1-tokens")
                .when().get("/v1/orgs/{org}/budget-alerts", org).then().statusCode(200).body("items", hasSize(1))
                .body("items[0].endUserId", equalTo("u-1")).body("items[0].observed", equalTo("3000"))
                .body("items[0].threshold", equalTo(100));
        given().header("Authorization", TestTokens.bearer(org, Roles.MEMBER)).queryParam("environment", "test")
                .when().get("/v1/orgs/{org}/budget-alerts", org).then().statusCode(200).body("items", hasSize(0));
    }

    /** Two replicas evaluating at the same moment: the unique key lets each alert, and its delivery, in once. */
    @Test
    void concurrentEvaluatorsFireEachAlertExactlyOnce() throws Exception {
        receiver.stubFor(post(urlPathEqualTo(hook())).willReturn(aResponse().withStatus(200)));
        registerEndpoint();
        budget("ten-steps", """
                {"name":"Ten steps","metric":"revenue","amount":"0.0075","currency":"USD",
                 "thresholds":[10,20,30,40,50,60,70,80,90,100]}""");
        budget("org-tokens", """
                {"name":"Tokens","metric":"tokens","tokenLimit":100,"scope":"each_end_user","thresholds":[1,2,3]}""");
        for (int i = 0; i < 5; i++) {
            ingest("e-" + i, "u-" + i, "2026-03-15T09:00:00Z");
        }
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try {
            List<Callable<Integer>> rounds = new ArrayList<>();
            for (int i = 0; i < 8; i++) {
                rounds.add(() -> evaluator.evaluate().alertsFired());
            }
            for (Future<Integer> f : pool.invokeAll(rounds)) {
                f.get();
            }
        } finally {
            pool.shutdown();
        }
        var page = given().header("Authorization", TestTokens.bearer(org, Roles.MEMBER)).queryParam("limit", 200)
                .when().get("/v1/orgs/{org}/budget-alerts", org).then().statusCode(200).extract().jsonPath();
        assertEquals(10 + 5 * 3, page.getList("items").size());
        assertEquals(10 + 5 * 3, page.getList("items.deliveries.flatten()").size(), "one delivery per alert");
        drain();
        assertEquals(25, received().size());
    }

    @Test
    void alertsPageNewestFirstWithoutRepeats() {
        budget("ten-steps",
                """
                        {"name":"Ten steps","metric":"tokens","tokenLimit":1500,"thresholds":[10,20,30,40,50,60,70,80,90,100]}""");
        ingest("e-1", "u-1", "2026-03-15T09:00:00Z");
        evaluator.evaluate();
        Set<Integer> seen = new HashSet<>();
        String cursor = null;
        int pages = 0;
        do {
            var spec = given().header("Authorization", TestTokens.bearer(org, Roles.MEMBER)).queryParam("limit", 4);
            if (cursor != null) {
                spec = spec.queryParam("cursor", cursor);
            }
            var page = spec.when().get("/v1/orgs/{org}/budget-alerts", org).then().statusCode(200).extract()
                    .jsonPath();
            List<Integer> thresholds = page.getList("items.threshold", Integer.class);
            for (Integer t : thresholds) {
                assertTrue(seen.add(t), "threshold " + t + " listed twice");
            }
            cursor = page.getString("nextCursor");
            assertEquals(cursor != null, page.getBoolean("hasMore"));
            pages++;
        } while (cursor != null);
        assertEquals(10, seen.size());
        assertEquals(3, pages);
        given().header("Authorization", TestTokens.bearer(org, Roles.MEMBER)).queryParam("cursor", "bm9wZQ")
                .when().get("/v1/orgs/{org}/budget-alerts", org).then().statusCode(400)
                .body("code", equalTo("invalid_cursor"));
    }

    @Test
    void aRemovedEndpointGetsNothingMore() {
        receiver.stubFor(post(urlPathEqualTo(hook())).willReturn(aResponse().withStatus(503)));
        registerEndpoint();
        String id = admin().when().get("/v1/orgs/{org}/webhook-endpoints", org).then().extract().path("[0].id");
        budget("b", """
                {"name":"B","metric":"tokens","tokenLimit":100,"thresholds":[100]}""");
        ingest("e-1", "u-1", "2026-03-15T09:00:00Z");
        evaluator.evaluate();
        drain();
        assertEquals(1, received().size());
        admin().when().delete("/v1/orgs/{org}/webhook-endpoints/{id}", org, id).then().statusCode(204);
        alerts().body("items[0].deliveries[0].status", equalTo("canceled"));
        Instant start = clock.instant();
        try {
            clock.advance(Duration.ofHours(2));
            drain();
        } finally {
            clock.set(start);
        }
        assertEquals(1, received().size());
    }

    private void assertSignedWith(String secret, LoggedRequest request) throws Exception {
        String header = request.getHeader("Accrue-Signature");
        String[] parts = header.split(",");
        assertTrue(parts[0].startsWith("t=") && parts[1].startsWith("v1="), header);
        String t = parts[0].substring(2);
        Mac mac = Mac.getInstance("HmacSHA256");
        mac.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
        String expected = HexFormat.of()
                .formatHex(mac.doFinal((t + "." + request.getBodyAsString()).getBytes(StandardCharsets.UTF_8)));
        assertEquals(expected, parts[1].substring(3), "Accrue-Signature verifies with the endpoint's secret");
    }

    private void drain() {
        for (int i = 0; i < 1000 && outbox.sendNext(); i++) {
            // send everything due
        }
    }

    private List<LoggedRequest> received() {
        return receiver.findAll(postRequestedFor(urlPathEqualTo(hook())));
    }

    private String hook() {
        return "/hooks/" + org;
    }

    private String registerEndpoint() {
        return admin().contentType(ContentType.JSON)
                .body("{\"url\":\"" + receiver.baseUrl() + hook() + "\",\"description\":\"alerts\"}")
                .when().post("/v1/orgs/{org}/webhook-endpoints", org).then().statusCode(201)
                .extract().path("secret");
    }

    private void budget(String slug, String body) {
        admin().contentType(ContentType.JSON).body(body).when().put("/v1/orgs/{org}/budgets/{slug}", org, slug)
                .then().statusCode(200);
    }

    private io.restassured.response.ValidatableResponse budgetView(String slug) {
        return given().header("Authorization", TestTokens.bearer(org, Roles.MEMBER))
                .when().get("/v1/orgs/{org}/budgets/{slug}", org, slug).then().statusCode(200);
    }

    private io.restassured.response.ValidatableResponse alerts() {
        return given().header("Authorization", TestTokens.bearer(org, Roles.MEMBER))
                .when().get("/v1/orgs/{org}/budget-alerts", org).then().statusCode(200);
    }

    private void ingest(String id, String user, String at) {
        reporter("live").body(UsageFixtures.event(id, user, "gpt-4o", 1000, 500, at))
                .when().post("/v1/usage-events").then().statusCode(201);
    }

    private RequestSpecification reporter(String env) {
        return given().header("Authorization", TestTokens.as(Roles.USAGE_REPORTER).org(org).environment(env).bearer())
                .contentType(ContentType.JSON);
    }

    private RequestSpecification admin() {
        return given().header("Authorization", TestTokens.bearer(org, Roles.BILLING_ADMIN));
    }
}
