package io.accrue.usage.ingest;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasSize;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.UUID;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

import org.hamcrest.Matchers;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import io.accrue.common.security.Roles;
import io.accrue.testing.TestTokens;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.specification.RequestSpecification;

@QuarkusTest
class UsageEventResourceTest {

    private static final String PROBLEM = "application/problem+json";
    private static final String SEED_GPT4O = "00000000-0000-0000-0000-000000000001";
    private String org;

    @BeforeEach
    void freshOrganisation() {
        org = "org-" + UUID.randomUUID();
    }

    @Test
    void oneEventIsRatedWithThePriceVersionInEffectAndAReplayIsADuplicate() {
        String body = event("e-1", "u-1", "gpt-4o", 1000, 500, "2026-03-15T09:00:00Z");
        reporter("live").body(body).when().post("/v1/usage-events")
                .then().statusCode(201).body("status", equalTo("accepted"))
                .body("model", equalTo("gpt-4o"))
                .body("priceVersionId", equalTo(SEED_GPT4O))
                .body("cost", equalTo("0.007500000000"))
                .body("revenue", equalTo("0.007500000000"));
        reporter("live").body(body).when().post("/v1/usage-events")
                .then().statusCode(200).body("status", equalTo("duplicate"));
        summary("live").body("totals.requests", equalTo(1)).body("totals.inputTokens", equalTo(1000))
                .body("totals.totalTokens", equalTo(1500)).body("totals.cost", equalTo("0.007500000000"))
                .body("byModel[0].model", equalTo("gpt-4o")).body("byModel[0].provider", equalTo("openai"))
                .body("byEndUser[0].endUserId", equalTo("u-1"));
    }

    @Test
    void aBatchAnswersPerEventAndABadEventNeverSinksTheRest() {
        String batch = "{\"events\":[" + String.join(",",
                event("b-1", "u-1", "openai/gpt-4o", 1000, 0, "2026-03-15T09:00:00Z"),
                event("b-1", "u-1", "gpt-4o", 1000, 0, "2026-03-15T09:00:00Z"),
                "{\"eventId\":\"b-2\",\"endUserId\":\"u-1\",\"model\":\"gpt-4o\",\"occurredAt\":\"2026-03-15T09:00:00Z\",\"prompt\":\"secret text\"}",
                event("b-3", "u-1", "mystery-model", 10, 10, "2026-03-15T09:00:00Z"),
                event("b-4", "u-1", "gpt-4o", 10, 10, "2026-03-01T09:00:00Z"),
                event("b-5", "u-1", "gpt-4o", 10, 10, "2026-03-15T11:00:00Z"),
                "{\"eventId\":\"b-6\",\"endUserId\":\"\",\"model\":\"gpt-4o\",\"occurredAt\":\"2026-03-15T09:00:00Z\"}",
                "{\"eventId\":\"b-7\",\"end_user_id\":\"u-2\",\"model\":\"gpt-4o-mini\",\"prompt_tokens\":2000,\"completion_tokens\":1000,\"occurredAt\":\"2026-03-15T09:30:00Z\"}")
                + "]}";
        reporter("live").body(batch).when().post("/v1/usage-events")
                .then().statusCode(200)
                .body("accepted", equalTo(2)).body("duplicates", equalTo(1)).body("rejected", equalTo(5))
                .body("results[0].status", equalTo("accepted"))
                .body("results[1].status", equalTo("duplicate"))
                .body("results[2].code", equalTo("unknown_field"))
                .body("results[3].code", equalTo("unknown_model"))
                .body("results[4].code", equalTo("event_too_old"))
                .body("results[5].code", equalTo("event_in_future"))
                .body("results[6].code", equalTo("validation_failed"))
                .body("results[7].status", equalTo("accepted"))
                .body("results[7].cost", equalTo("0.000900000000"));
        summary("live").body("totals.requests", equalTo(2)).body("totals.inputTokens", equalTo(3000))
                .body("totals.outputTokens", equalTo(1000)).body("byEndUser", hasSize(2));
    }

    @Test
    void textPostgresCannotStoreIsRejectedPerEventAndTheRestIsStored() {
        String batch = "{\"events\":[" + String.join(",",
                "{\"eventId\":\"nul-1\",\"endUserId\":\"u\\u0000x\",\"model\":\"gpt-4o\",\"occurredAt\":\"2026-03-15T09:00:00Z\"}",
                "{\"eventId\":\"nul-2\",\"endUserId\":\"u-9\",\"model\":\"gpt-4o\",\"inputTokens\":\"100\",\"occurredAt\":\"2026-03-15T09:00:00Z\"}",
                "{\"eventId\":\"nul-3\",\"endUserId\":\"u-9\",\"model\":\"gpt-4o\",\"inputTokens\":1.5,\"occurredAt\":\"2026-03-15T09:00:00Z\"}",
                "{\"eventId\":\"nul-4\",\"endUserId\":\"u-9\",\"model\":\"gpt-4o\",\"metadata\":{\"prompt\":\"tell me a joke\"},\"occurredAt\":\"2026-03-15T09:00:00Z\"}",
                "{\"eventId\":\"nul-5\",\"endUserId\":\"u-9\",\"model\":\"gpt-4o\",\"metadata\":{\"note\":\"tell me a joke\"},\"occurredAt\":\"2026-03-15T09:00:00Z\"}",
                event("nul-6", "u-9", "gpt-4o", 1000, 0, "2026-03-15T09:00:00Z")) + "]}";
        reporter("live").body(batch).when().post("/v1/usage-events").then().statusCode(200)
                .body("accepted", equalTo(1)).body("rejected", equalTo(5))
                .body("results[0].code", equalTo("invalid_value"))
                .body("results[0].reason", Matchers.containsString("endUserId"))
                .body("results[1].code", equalTo("invalid_value"))
                .body("results[2].code", equalTo("invalid_value"))
                .body("results[3].code", equalTo("validation_failed"))
                .body("results[4].code", equalTo("validation_failed"))
                .body("results[5].status", equalTo("accepted"));
        // one event alone: the same refusal, as a 4xx problem, never a 500
        reporter("live").body("{\"eventId\":\"nul-7\",\"endUserId\":\"u\\u0000\",\"model\":\"gpt-4o\","
                + "\"occurredAt\":\"2026-03-15T09:00:00Z\"}").when().post("/v1/usage-events").then()
                .statusCode(Matchers.both(Matchers.greaterThanOrEqualTo(400))
                        .and(Matchers.lessThan(500)))
                .contentType("application/problem+json");
    }

    @Test
    void replayingABatchAnyNumberOfTimesChangesNoTotal() {
        String batch = "{\"events\":[" + IntStream.range(0, 50).mapToObj(i -> event("r-" + i, "u-" + (i % 3),
                i % 2 == 0 ? "gpt-4o" : "claude-sonnet-4", 100 + i, 10 * i, "2026-03-14T23:5" + (i % 10) + ":00Z")
                .replace("}", ",\"agentSessionId\":\"s-" + (i % 4) + "\",\"toolCalls\":2}"))
                .collect(Collectors.joining(",")) + "]}";
        reporter("live").body(batch).when().post("/v1/usage-events").then().statusCode(200).body("accepted",
                equalTo(50));
        String first = summaryBody("2026-03-14T00:00:00Z", "2026-03-16T00:00:00Z", null);
        for (int i = 0; i < 3; i++) {
            reporter("live").body(batch).when().post("/v1/usage-events").then().statusCode(200)
                    .body("duplicates", equalTo(50)).body("accepted", equalTo(0));
        }
        assertEquals(first, summaryBody("2026-03-14T00:00:00Z", "2026-03-16T00:00:00Z", null));
        // Rollups (day-aligned window) and raw events (unaligned window) agree exactly.
        assertEquals(first.replace("2026-03-14T00:00:00Z", "X"),
                summaryBody("2026-03-13T23:59:59Z", "2026-03-16T00:00:00Z", null).replace("2026-03-13T23:59:59Z", "X"));
        summary("live").body("totals.toolCalls", equalTo(100));
    }

    @Test
    void recordedBeforeLeavesOutEventsIngestedLater() {
        reporter("live").body(event("late-1", "u-1", "gpt-4o", 1000, 0, "2026-03-15T09:00:00Z"))
                .when().post("/v1/usage-events").then().statusCode(201);
        // The clock is frozen at 10:00: the event was recorded at 10:00, so it is not "before 10:00".
        given().header("Authorization", TestTokens.bearer(org, Roles.BILLING_SERVICE))
                .queryParam("environment", "live").queryParam("from", "2026-03-01T00:00:00Z")
                .queryParam("to", "2026-04-01T00:00:00Z").queryParam("recordedBefore", "2026-03-15T10:00:00Z")
                .when().get("/v1/orgs/{org}/usage/summary", org)
                .then().statusCode(200).body("totals.requests", equalTo(0))
                .body("totals.cost", equalTo("0.000000000000"));
        given().header("Authorization", TestTokens.bearer(org, Roles.BILLING_SERVICE))
                .queryParam("environment", "live").queryParam("from", "2026-03-01T00:00:00Z")
                .queryParam("to", "2026-04-01T00:00:00Z").queryParam("recordedBefore", "2026-03-15T10:00:01Z")
                .when().get("/v1/orgs/{org}/usage/summary", org)
                .then().statusCode(200).body("totals.requests", equalTo(1));
    }

    @Test
    void testAndLiveNeverMixAndTheEnvironmentComesFromTheCredential() {
        reporter("test").body(event("same-id", "u-1", "gpt-4o", 1000, 0, "2026-03-15T09:00:00Z"))
                .when().post("/v1/usage-events").then().statusCode(201);
        reporter("live").body(event("same-id", "u-1", "gpt-4o", 2000, 0, "2026-03-15T09:00:00Z"))
                .when().post("/v1/usage-events").then().statusCode(201);
        summary("test").body("totals.inputTokens", equalTo(1000));
        summary("live").body("totals.inputTokens", equalTo(2000));
        reporter("live")
                .body(event("x", "u-1", "gpt-4o", 1, 0, "2026-03-15T09:00:00Z").replace("{",
                        "{\"environment\":\"test\","))
                .when().post("/v1/usage-events").then().statusCode(400).body("code", equalTo("unknown_field"));
    }

    @Test
    void aRatePlanMarkupTurnsCostIntoRevenue() {
        given().header("Authorization", TestTokens.bearer(org, Roles.BILLING_ADMIN)).contentType(ContentType.JSON)
                .body("""
                        {"slug":"pro","name":"Pro","pricing":"markup","markupPercent":"30","feePerRequest":"0.001",
                         "enforcement":"block"}""")
                .when().put("/v1/orgs/{org}/rate-plans/pro", org).then().statusCode(200)
                .body("isDefault", equalTo(true));
        reporter("live").body(event("m-1", "u-9", "gpt-4o", 1000, 500, "2026-03-15T09:00:00Z"))
                .when().post("/v1/usage-events").then().statusCode(201)
                .body("cost", equalTo("0.007500000000")).body("revenue", equalTo("0.010750000000"));
        given().header("Authorization", TestTokens.bearer(org, Roles.MEMBER))
                .when().get("/v1/orgs/{org}/end-users/{u}", org, "u-9")
                .then().statusCode(200).body("planSlug", equalTo("pro")).body("blocked", equalTo(false));
    }

    /** Field audit: a provider the catalog contradicts would be replaced silently; it is refused instead. */
    @Test
    void aProviderThatIsNotTheCatalogsIsRefusedNeverReplaced() {
        reporter("live").body("""
                {"eventId":"p-1","endUserId":"u-1","model":"gpt-4o","provider":"anthropic","inputTokens":10,
                 "outputTokens":1,"occurredAt":"2026-03-15T09:00:00Z"}""").when().post("/v1/usage-events")
                .then().statusCode(422).contentType(PROBLEM).body("code", equalTo("provider_mismatch"));
        summary("live").body("totals.requests", equalTo(0));
        // the catalog's own provider (any case) is accepted and recorded as the catalog spells it
        reporter("live").body("""
                {"eventId":"p-2","endUserId":"u-1","model":"gpt-4o","provider":"OpenAI","inputTokens":10,
                 "outputTokens":1,"occurredAt":"2026-03-15T09:00:00Z"}""").when().post("/v1/usage-events")
                .then().statusCode(201).body("status", equalTo("accepted"));
        summary("live").body("totals.requests", equalTo(1)).body("byModel[0].provider", equalTo("openai"));
    }

    @Test
    void securityAndRejectionsPersistNothing() {
        String body = event("s-1", "u-1", "gpt-4o", 1000, 0, "2026-03-15T09:00:00Z");
        given().contentType(ContentType.JSON).body(body).when().post("/v1/usage-events")
                .then().statusCode(401).contentType(PROBLEM).body("code", equalTo("unauthenticated"));
        given().header("Authorization",
                TestTokens.as(Roles.USAGE_REPORTER).org(org).environment("live").forged().bearer())
                .contentType(ContentType.JSON).body(body).when().post("/v1/usage-events").then().statusCode(401);
        given().header("Authorization", TestTokens.bearer(org, Roles.BILLING_ADMIN)).contentType(ContentType.JSON)
                .body(body).when().post("/v1/usage-events").then().statusCode(403).body("code", equalTo("forbidden"));
        given().header("Authorization", TestTokens.as(Roles.USAGE_REPORTER).org(org).bearer())
                .contentType(ContentType.JSON).body(body).when().post("/v1/usage-events")
                .then().statusCode(403).contentType(PROBLEM).body("code", equalTo("environment_missing"));
        reporter("live").body("{\"eventId\": ").when().post("/v1/usage-events")
                .then().statusCode(400).body("code", equalTo("malformed_json"));
        reporter("live").body(event("s-2", "u-1", "nope", 1, 1, "2026-03-15T09:00:00Z")).when().post("/v1/usage-events")
                .then().statusCode(422).contentType(PROBLEM).body("code", equalTo("unknown_model"));
        String tooBig = "{\"events\":[" + IntStream.range(0, 1001)
                .mapToObj(i -> event("big-" + i, "u-1", "gpt-4o", 1, 1, "2026-03-15T09:00:00Z"))
                .collect(Collectors.joining(",")) + "]}";
        reporter("live").body(tooBig).when().post("/v1/usage-events")
                .then().statusCode(422).body("code", equalTo("batch_too_large"));
        summary("live").body("totals.requests", equalTo(0));
        given().header("Authorization", TestTokens.bearer(org, Roles.MEMBER))
                .when().get("/v1/orgs/{org}/end-users", org).then().statusCode(200).body("items", hasSize(0));
    }

    @Test
    void theForecastProjectsTheBurnRateToThePeriodEnd() {
        reporter("live").body(event("f-1", "u-1", "gpt-4o", 1000, 500, "2026-03-15T09:00:00Z"))
                .when().post("/v1/usage-events").then().statusCode(201);
        // 14 days 10 h of a 31-day March elapsed at 10:00 on the 15th: factor 2678400 / 1245600.
        given().header("Authorization", TestTokens.bearer(org, Roles.MEMBER))
                .queryParam("from", "2026-03-01T00:00:00Z").queryParam("to", "2026-04-01T00:00:00Z")
                .when().get("/v1/orgs/{org}/usage/forecast", org)
                .then().statusCode(200).body("observed.totalTokens", equalTo(1500))
                .body("projected.totalTokens", equalTo(3225)).body("projected.requests", equalTo(2))
                .body("projected.cost", equalTo("0.016127167630"));
    }

    @Test
    void anotherOrganisationsSummaryIsNotFound() {
        given().header("Authorization", TestTokens.bearer(org, Roles.MEMBER))
                .queryParam("from", "2026-03-01T00:00:00Z").queryParam("to", "2026-04-01T00:00:00Z")
                .when().get("/v1/orgs/{org}/usage/summary", "someone-else")
                .then().statusCode(404).body("code", equalTo("organisation_not_found"));
    }

    static String event(String id, String user, String model, long in, long out, String at) {
        return io.accrue.usage.UsageFixtures.event(id, user, model, in, out, at);
    }

    private RequestSpecification reporter(String env) {
        return given().header("Authorization", TestTokens.as(Roles.USAGE_REPORTER).org(org).environment(env).bearer())
                .contentType(ContentType.JSON);
    }

    private io.restassured.response.ValidatableResponse summary(String env) {
        return given().header("Authorization", TestTokens.bearer(org, Roles.MEMBER))
                .queryParam("environment", env).queryParam("from", "2026-03-01T00:00:00Z")
                .queryParam("to", "2026-04-01T00:00:00Z")
                .when().get("/v1/orgs/{org}/usage/summary", org).then().statusCode(200);
    }

    private String summaryBody(String from, String to, String recordedBefore) {
        var spec = given().header("Authorization", TestTokens.bearer(org, Roles.BILLING_SERVICE))
                .queryParam("environment", "live").queryParam("from", from).queryParam("to", to);
        if (recordedBefore != null) {
            spec = spec.queryParam("recordedBefore", recordedBefore);
        }
        return spec.when().get("/v1/orgs/{org}/usage/summary", org).then().statusCode(200).extract().asString();
    }
}
