package io.accrue.usage.quota;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasSize;
import static org.hamcrest.Matchers.nullValue;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import jakarta.inject.Inject;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import io.accrue.common.security.Roles;
import io.accrue.common.time.AdjustableClock;
import io.accrue.testing.TestTokens;
import io.accrue.usage.UsageFixtures;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.specification.RequestSpecification;

@QuarkusTest
class QuotaResourceTest {

    private static final String PROBLEM = "application/problem+json";
    private String org;

    @Inject
    AdjustableClock clock;
    @Inject
    QuotaService quota;

    @BeforeEach
    void freshOrganisation() {
        org = "org-" + UUID.randomUUID();
    }

    @Test
    void aBlockPlanAnswers429WithRetryAfterOnceTheDailyLimitIsReached() {
        plan("limited", "block", "\"dailyTokenLimit\":2000");
        ingest("e1", "u-1", 1000, 500);
        reporter().queryParam("endUserId", "u-1").when().get("/v1/quota/check")
                .then().statusCode(200).body("allowed", equalTo(true)).body("flagged", equalTo(false))
                .body("plan", equalTo("limited")).body("limits.dailyTokens", equalTo(2000))
                .body("remaining.dailyTokens", equalTo(500))
                // direct mode: the counters hold every accepted event, there is no log lag to report
                .header("Accrue-Usage-Log-Lag", nullValue()).body("usageLog", nullValue());
        ingest("e2", "u-1", 500, 100);
        reporter().queryParam("endUserId", "u-1").when().get("/v1/quota/check")
                .then().statusCode(429).contentType(PROBLEM)
                .header("Retry-After", "50400") // 10:00 → next UTC midnight
                .body("code", equalTo("quota_exceeded")).body("reason", equalTo("daily_token_limit"))
                .body("remaining.dailyTokens", equalTo(0)).body("resetsAt", equalTo("2026-03-16T00:00:00Z"));
        // Another end user on the same plan is unaffected.
        reporter().queryParam("endUserId", "u-2").when().get("/v1/quota/check").then().statusCode(200);
    }

    @Test
    void anAlertPlanAllowsButFlags() {
        plan("soft", "alert", "\"dailyRequestLimit\":1");
        ingest("e1", "u-1", 10, 10);
        reporter().queryParam("endUserId", "u-1").when().get("/v1/quota/check")
                .then().statusCode(200).body("allowed", equalTo(true)).body("flagged", equalTo(true))
                .body("reason", equalTo("daily_request_limit"));
    }

    @Test
    void burstAndModelRestrictions() {
        plan("narrow", "block", "\"burstPerMinute\":1,\"allowedModels\":[\"gpt-4o-mini\"]");
        reporter().queryParam("endUserId", "u-1").queryParam("model", "gpt-4o").when().get("/v1/quota/check")
                .then().statusCode(403).body("code", equalTo("model_not_allowed"));
        reporter().queryParam("endUserId", "u-1").queryParam("model", "openai/gpt-4o-mini").when()
                .get("/v1/quota/check").then().statusCode(200);
        ingest("e1", "u-1", 10, 10);
        reporter().queryParam("endUserId", "u-1").when().get("/v1/quota/check")
                .then().statusCode(429).header("Retry-After", "60").body("reason", equalTo("burst_limit"));
    }

    @Test
    void aBlockedEndUserIsRefusedUntilUnblocked() {
        plan("p", "block", "\"dailyTokenLimit\":100000");
        ingest("e1", "u-1", 10, 10);
        admin().body("{\"reason\":\"abuse\"}").when().post("/v1/orgs/{org}/end-users/u-1/block", org)
                .then().statusCode(200).body("blocked", equalTo(true));
        reporter().queryParam("endUserId", "u-1").when().get("/v1/quota/check")
                .then().statusCode(403).body("code", equalTo("end_user_blocked"));
        admin().when().post("/v1/orgs/{org}/end-users/u-1/unblock", org).then().statusCode(200);
        reporter().queryParam("endUserId", "u-1").when().get("/v1/quota/check").then().statusCode(200);
    }

    @Test
    void aSuspendedAccountIsBlockedAndAnUnreachableOneIsFlagged() {
        org = "suspended-" + UUID.randomUUID();
        reporter().queryParam("endUserId", "u-1").when().get("/v1/quota/check")
                .then().statusCode(403).contentType(PROBLEM).body("code", equalTo("account_suspended"));
        org = "down-" + UUID.randomUUID();
        reporter().queryParam("endUserId", "u-1").when().get("/v1/quota/check")
                .then().statusCode(200).body("allowed", equalTo(true)).body("flagged", equalTo(true))
                .body("reason", equalTo("account_status_unknown"));
        org = "none-" + UUID.randomUUID();
        reporter().queryParam("endUserId", "u-1").when().get("/v1/quota/check")
                .then().statusCode(200).body("flagged", equalTo(false));
    }

    @Test
    void aReservationHoldsQuotaUntilTheUsageEventSettlesIt() {
        plan("p", "block", "\"dailyTokenLimit\":2000");
        String id = reserve("u-1", 1500).then().statusCode(201).body("status", equalTo("open")).extract().path("id");
        reporter().queryParam("endUserId", "u-1").when().get("/v1/quota/check")
                .then().statusCode(200).body("remaining.dailyTokens", equalTo(500));
        reserve("u-1", 600).then().statusCode(429).body("code", equalTo("quota_exceeded"));
        reporter().body(UsageFixtures.event("e1", "u-1", "gpt-4o", 800, 100, "2026-03-15T09:59:00Z")
                .replace("}", ",\"reservationId\":\"" + id + "\"}")).when().post("/v1/usage-events").then()
                .statusCode(201);
        reporter().queryParam("endUserId", "u-1").when().get("/v1/quota/check")
                .then().statusCode(200).body("remaining.dailyTokens", equalTo(1100));
        reporter().when().delete("/v1/quota/reservations/{id}", id)
                .then().statusCode(404).body("code", equalTo("reservation_not_found"));
    }

    @Test
    void anExpiredReservationGivesItsHoldBack() {
        plan("p", "block", "\"dailyTokenLimit\":2000");
        reserve("u-1", 1500, 60).then().statusCode(201);
        Instant start = clock.instant();
        try {
            clock.advance(Duration.ofMinutes(2));
            quota.expireOverdue(100);
        } finally {
            clock.set(start);
        }
        reporter().queryParam("endUserId", "u-1").when().get("/v1/quota/check")
                .then().statusCode(200).body("remaining.dailyTokens", equalTo(2000));
    }

    /**
     * Many concurrent reservations against one cap. Admission holds no JVM state (one conditional UPDATE on the
     * counter rows), so concurrent requests on separate connections behave as separate replicas would: the total
     * admitted never exceeds the cap (bound: zero for reservations).
     */
    @Test
    void concurrentReservationsNeverOverrunTheCap() throws Exception {
        plan("p", "block", "\"dailyTokenLimit\":10000");
        String token = TestTokens.as(Roles.USAGE_REPORTER).org(org).environment("live").bearer();
        ExecutorService pool = Executors.newFixedThreadPool(16);
        List<Callable<Integer>> calls = new ArrayList<>();
        for (int i = 0; i < 60; i++) {
            calls.add(() -> given().header("Authorization", token).contentType(ContentType.JSON)
                    .body("{\"endUserId\":\"hot\",\"estimatedTokens\":700}").post("/v1/quota/reservations")
                    .statusCode());
        }
        int admitted = 0, refused = 0;
        for (Future<Integer> f : pool.invokeAll(calls)) {
            int status = f.get();
            if (status == 201) {
                admitted++;
            } else if (status == 429) {
                refused++;
            }
        }
        pool.shutdown();
        assertEquals(14, admitted, "10000 / 700 = 14 reservations fit");
        assertEquals(46, refused);
        reporter().queryParam("endUserId", "hot").when().get("/v1/quota/check")
                .then().statusCode(200).body("remaining.dailyTokens", equalTo(200));
    }

    @Test
    void quotaNeedsAReporterWithAnEnvironment() {
        given().queryParam("endUserId", "u").when().get("/v1/quota/check").then().statusCode(401);
        given().header("Authorization", TestTokens.bearer(org, Roles.MEMBER)).queryParam("endUserId", "u")
                .when().get("/v1/quota/check").then().statusCode(403).body("code", equalTo("forbidden"));
        given().header("Authorization", TestTokens.as(Roles.USAGE_REPORTER).org(org).bearer())
                .queryParam("endUserId", "u").when().get("/v1/quota/check")
                .then().statusCode(403).body("code", equalTo("environment_missing"));
        reporter().when().get("/v1/quota/check").then().statusCode(400).body("code", equalTo("end_user_required"));
        reporter().body("{\"endUserId\":\"\",\"estimatedTokens\":-1}").when().post("/v1/quota/reservations")
                .then().statusCode(422).body("code", equalTo("validation_failed"));
    }

    /**
     * Field audit (usage-service README): fields a rate plan would store and never apply are refused, and nothing of
     * the refused request is kept.
     */
    @Test
    void ratePlanFieldsThatWouldBeIgnoredAreRefused() {
        // a markup plan prices by markupPercent alone: a target margin on it would be stored and never applied
        admin().body("""
                {"slug":"m","name":"M","pricing":"markup","markupPercent":"10","targetMarginPercent":"30",
                 "enforcement":"block"}""").when().put("/v1/orgs/{org}/rate-plans/{slug}", org, "m")
                .then().statusCode(422).contentType("application/problem+json")
                .body("code", equalTo("pricing_ambiguous"));
        // the first plan is the default whatever it says: "isDefault": false would be ignored
        admin().body("""
                {"slug":"first","name":"First","pricing":"markup","markupPercent":"10","enforcement":"block",
                 "isDefault":false}""").when().put("/v1/orgs/{org}/rate-plans/{slug}", org, "first")
                .then().statusCode(422).body("code", equalTo("default_plan_required"));
        admin().when().get("/v1/orgs/{org}/rate-plans", org).then().statusCode(200)
                .body("", hasSize(0));
        plan("first", "block", "\"isDefault\":true");
        // un-defaulting the default is refused too; another plan may say false and is simply not the default
        admin().body("""
                {"slug":"first","name":"First","pricing":"markup","markupPercent":"10","enforcement":"block",
                 "isDefault":false}""").when().put("/v1/orgs/{org}/rate-plans/{slug}", org, "first")
                .then().statusCode(422).body("code", equalTo("default_plan_required"));
        plan("second", "block", "\"isDefault\":false");
        admin().when().get("/v1/orgs/{org}/rate-plans/{slug}", org, "first").then().statusCode(200)
                .body("isDefault", equalTo(true));
    }

    private void plan(String slug, String enforcement, String limits) {
        admin().body("""
                {"slug":"%s","name":"Plan","pricing":"markup","markupPercent":"10","enforcement":"%s",%s}"""
                .formatted(slug, enforcement, limits))
                .when().put("/v1/orgs/{org}/rate-plans/{slug}", org, slug).then().statusCode(200);
    }

    private void ingest(String id, String user, long in, long out) {
        reporter().body(UsageFixtures.event(id, user, "gpt-4o-mini", in, out, "2026-03-15T10:00:00Z"))
                .when().post("/v1/usage-events").then().statusCode(201);
    }

    private io.restassured.response.Response reserve(String user, long tokens) {
        return reporter().body("{\"endUserId\":\"%s\",\"estimatedTokens\":%d}".formatted(user, tokens))
                .when().post("/v1/quota/reservations");
    }

    private io.restassured.response.Response reserve(String user, long tokens, int ttl) {
        return reporter()
                .body("{\"endUserId\":\"%s\",\"estimatedTokens\":%d,\"ttlSeconds\":%d}".formatted(user, tokens, ttl))
                .when().post("/v1/quota/reservations");
    }

    private RequestSpecification reporter() {
        return given()
                .header("Authorization", TestTokens.as(Roles.USAGE_REPORTER).org(org).environment("live").bearer())
                .contentType(ContentType.JSON);
    }

    private RequestSpecification admin() {
        return given().header("Authorization", TestTokens.bearer(org, Roles.BILLING_ADMIN))
                .contentType(ContentType.JSON);
    }
}
