package io.accrue.usage.budget;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.matchingJsonPath;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.contains;
import static org.hamcrest.Matchers.containsInAnyOrder;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasSize;
import static org.hamcrest.Matchers.notNullValue;
import static org.hamcrest.Matchers.nullValue;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import jakarta.inject.Inject;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.github.tomakehurst.wiremock.client.WireMock;
import com.github.tomakehurst.wiremock.stubbing.StubMapping;
import com.github.tomakehurst.wiremock.verification.LoggedRequest;

import io.accrue.common.security.Roles;
import io.accrue.common.time.AdjustableClock;
import io.accrue.testing.TestTokens;
import io.accrue.usage.SubscriptionServiceStub;
import io.accrue.usage.UsageFixtures;
import io.accrue.usage.billingevent.BillingEventOutbox;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.specification.RequestSpecification;
import io.smallrye.faulttolerance.api.CircuitBreakerMaintenance;

/**
 * Budgets, their alerts and the {@code usage.threshold_reached} billing events they publish to subscription-service
 * (its one webhook delivery system), against the WireMock subscription-service stand-in. The scheduled jobs are off
 * in tests; the tests call the evaluator and the outbox directly, as the jobs would. What subscription-service does
 * with an event (endpoints, signatures, retries) is its own tests' (WebhooksTest) and the e2e's.
 */
@QuarkusTest
class BudgetAlertsTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    @Inject
    BudgetEvaluator evaluator;
    @Inject
    BillingEventOutbox outbox;
    @Inject
    AdjustableClock clock;
    @Inject
    CircuitBreakerMaintenance breakers;

    private final WireMock subscriptionService = SubscriptionServiceStub.admin();
    private String org;

    @BeforeEach
    void freshOrganisation() {
        org = "org-" + UUID.randomUUID();
        // the outage test leaves subscription-service's breaker open for a few real seconds; a claim made while it is
        // open counts an attempt and backs off, which the exactly-once tests below would read as a second try
        breakers.resetAll();
        drain(); // events other tests left due are not this test's
    }

    @Test
    void eachThresholdIsPublishedOncePerPeriodAndAgainInTheNextPeriod() throws Exception {
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
                .body("items[0].budget", equalTo("monthly"))
                .body("items[0].metric", equalTo("cost"))
                .body("items[0].observed", equalTo("0.015000000000"))
                .body("items[0].limit", equalTo("0.030000000000"))
                .body("items[0].currency", equalTo("USD")).body("items[0].endUserId", nullValue())
                .body("items[0].periodStart", equalTo("2026-03-01T00:00:00Z"))
                .body("items[0].periodEnd", equalTo("2026-04-01T00:00:00Z"))
                .body("items[0].publication.status", equalTo("pending"));

        drain();
        drain(); // published: nothing is due again
        // one event id; the client may repeat a request whose answer timed out (subscription-service stores an id once)
        assertEquals(1, publishedIds().size());
        LoggedRequest request = published().get(0);
        assertEquals("Bearer test-service-token", request.getHeader("Authorization"), "as the billing-service");
        JsonNode event = JSON.readTree(request.getBodyAsString());
        assertEquals("usage.threshold_reached", event.path("type").asText());
        assertEquals(org, event.path("orgId").asText());
        assertTrue(event.path("id").asText().matches("evt_[0-9a-f]{32}"), event.toString());
        assertTrue(Instant.parse(event.path("occurredAt").asText()) != null);
        JsonNode data = event.path("data");
        assertEquals(org, data.path("orgId").asText());
        assertEquals("live", data.path("environment").asText());
        assertEquals("monthly", data.path("budget").asText());
        assertEquals("cost", data.path("metric").asText());
        assertEquals(50, data.path("threshold").asInt());
        assertTrue(data.path("observed").isTextual(), "money as a string");
        assertEquals("0.015000000000", data.path("observed").asText());
        assertEquals("0.030000000000", data.path("limit").asText());
        assertEquals("USD", data.path("currency").asText());
        assertTrue(data.path("endUserId").isNull());
        assertEquals("2026-03-01T00:00:00Z", data.path("periodStart").asText());
        assertEquals("2026-04-01T00:00:00Z", data.path("periodEnd").asText());
        alerts().body("items[0].publication.status", equalTo("published"))
                .body("items[0].publication.attempts", equalTo(1))
                .body("items[0].publication.publishedAt", notNullValue())
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
        assertEquals(2, publishedIds().size());

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
        assertEquals(3, publishedIds().size(), "one event id per alert");
        alerts().body("items.publication.attempts", contains(1, 1, 1)); // each claimed and published once
    }

    /**
     * subscription-service down (503 on every try, the client's own retries included), then back: the event waits in
     * the outbox with the suite's backoff, loses nothing, and is stored exactly once when it answers again.
     */
    @Test
    void aSubscriptionServiceOutageLosesNothingAndPublishesOnceAfterIt() {
        StubMapping down = subscriptionService.register(post(urlPathEqualTo("/v1/billing-events")).atPriority(1)
                .withRequestBody(matchingJsonPath("$.orgId", WireMock.equalTo(org)))
                .willReturn(aResponse().withStatus(503)));
        budget("tokens", """
                {"name":"Tokens","metric":"tokens","tokenLimit":1500,"thresholds":[100]}""");
        ingest("e-1", "u-1", "2026-03-15T09:00:00Z"); // 1,500 tokens: 100 %
        evaluator.evaluate();
        Instant start = clock.instant();
        try {
            drain();
            int whileDown = published().size();
            assertTrue(whileDown >= 1, "tried while down");
            alerts().body("items[0].publication.status", equalTo("pending"))
                    .body("items[0].publication.attempts", equalTo(1))
                    .body("items[0].publication.lastError", containsString("503"))
                    .body("items[0].publication.nextAttemptAt", notNullValue());
            drain(); // not due before the backoff (30 s): nothing is sent
            assertEquals(whileDown, published().size());

            subscriptionService.removeStubMapping(down);
            // the breaker may be open for a few (real) seconds after the 503s: the outbox keeps retrying
            await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(500)).until(() -> {
                clock.advance(Duration.ofHours(1));
                drain();
                return "published".equals(publicationStatus());
            });
            drain();
            assertTrue(published().size() > whileDown, "published when subscription-service answers");
            assertEquals(1, publishedIds().size(), "the same event id on every try");
            alerts().body("items[0].publication.status", equalTo("published"));
        } finally {
            clock.set(start);
        }
    }

    /** A refusal that asking again cannot change (a 4xx) is recorded, not retried forever. */
    @Test
    void anEventSubscriptionServiceRefusesIsRecordedAndNotRetried() {
        subscriptionService.register(post(urlPathEqualTo("/v1/billing-events")).atPriority(1)
                .withRequestBody(matchingJsonPath("$.orgId", WireMock.equalTo(org)))
                .willReturn(aResponse().withStatus(422).withHeader("Content-Type", "application/problem+json")
                        .withBody("{\"status\":422,\"code\":\"unknown_event_type\"}")));
        budget("tokens", """
                {"name":"Tokens","metric":"tokens","tokenLimit":1500,"thresholds":[100]}""");
        ingest("e-1", "u-1", "2026-03-15T09:00:00Z");
        evaluator.evaluate();
        Instant start = clock.instant();
        try {
            drain();
            clock.advance(Duration.ofHours(2));
            drain();
        } finally {
            clock.set(start);
        }
        assertEquals(1, publishedIds().size());
        alerts().body("items[0].publication.status", equalTo("refused"))
                .body("items[0].publication.attempts", equalTo(1)) // a 4xx is not tried again
                .body("items[0].publication.lastError", containsString("422"));
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

    /**
     * Replicas evaluating and publishing at the same moment: the alerts' unique key lets each alert, and its event,
     * in once; the outbox's lease lets each event out once.
     */
    @Test
    void concurrentEvaluatorsAndPublishersPublishEachAlertExactlyOnce() throws Exception {
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
            int fired = 0;
            for (Future<Integer> f : pool.invokeAll(rounds)) {
                fired += f.get();
            }
            assertEquals(10 + 5 * 3, fired, "each alert fired by one round only");
            List<Callable<Integer>> publishers = new ArrayList<>();
            for (int i = 0; i < 4; i++) {
                publishers.add(() -> {
                    int n = 0;
                    while (outbox.publishNext()) {
                        n++;
                    }
                    return n;
                });
            }
            for (Future<Integer> f : pool.invokeAll(publishers)) {
                f.get();
            }
            // an organisation's events leave in order: one claimed while an earlier one was in flight waits until
            // that one's lease ends, and is sent by a later round (the scheduler's, here each 3 minutes later)
            Instant start = clock.instant();
            try {
                for (int round = 0; round < 25 && pendingAlerts() > 0; round++) {
                    clock.advance(Duration.ofMinutes(3));
                    for (Future<Integer> f : pool.invokeAll(publishers)) {
                        f.get();
                    }
                }
            } finally {
                clock.set(start);
            }
        } finally {
            pool.shutdown();
        }
        var page = given().header("Authorization", TestTokens.bearer(org, Roles.MEMBER)).queryParam("limit", 200)
                .when().get("/v1/orgs/{org}/budget-alerts", org).then().statusCode(200).extract().jsonPath();
        assertEquals(10 + 5 * 3, page.getList("items").size());
        assertEquals(Set.of("published"), Set.copyOf(page.getList("items.publication.status", String.class)));
        // the lease: every event claimed by one publisher, once (a request repeated by the client's own retry after
        // a timed-out answer carries the same id, which subscription-service stores once)
        assertEquals(Set.of(1), Set.copyOf(page.getList("items.publication.attempts", Integer.class)));
        assertEquals(25, publishedIds().size());
        assertTrue(published().size() >= 25);
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

    private long pendingAlerts() {
        return given().header("Authorization", TestTokens.bearer(org, Roles.MEMBER)).queryParam("limit", 200)
                .when().get("/v1/orgs/{org}/budget-alerts", org).then().statusCode(200).extract().jsonPath()
                .getList("items.publication.status", String.class).stream().filter("pending"::equals).count();
    }

    private void drain() {
        for (int i = 0; i < 1000 && outbox.publishNext(); i++) {
            // publish everything due
        }
    }

    /** The requests that reached the stand-in's {@code /v1/billing-events} for this test's organisation. */
    private List<LoggedRequest> published() {
        return subscriptionService.find(postRequestedFor(urlPathEqualTo("/v1/billing-events"))
                .withRequestBody(matchingJsonPath("$.orgId", WireMock.equalTo(org))));
    }

    private Set<String> publishedIds() {
        Set<String> ids = new HashSet<>();
        for (LoggedRequest r : published()) {
            try {
                ids.add(JSON.readTree(r.getBodyAsString()).path("id").asText());
            } catch (java.io.IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        }
        return ids;
    }

    private String publicationStatus() {
        return given().header("Authorization", TestTokens.bearer(org, Roles.MEMBER))
                .when().get("/v1/orgs/{org}/budget-alerts", org).then().statusCode(200).extract()
                .path("items[0].publication.status");
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
