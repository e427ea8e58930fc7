package io.accrue.usage.analytics;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.contains;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasSize;
import static org.hamcrest.Matchers.nullValue;
import static org.hamcrest.Matchers.oneOf;

import java.util.UUID;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import io.accrue.common.security.Roles;
import io.accrue.testing.TestTokens;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.specification.RequestSpecification;

/**
 * Usage analytics (issue 20 point 6): spend per agent session with its priced tools, the daily series of one end
 * user, and the alert-only quota flags — each read back through the API, each bounded by a window.
 */
@QuarkusTest
class AnalyticsResourceTest {

    private static final String DAY = "2026-03-15";
    private static final String FROM = "2026-03-01T00:00:00Z";
    private static final String TO = "2026-04-01T00:00:00Z";
    private String org;

    @BeforeEach
    void freshOrganisation() {
        org = "org-" + UUID.randomUUID();
    }

    @Test
    void sessionsAreRankedByRevenueWithTheirTokensToolsAndSpend() {
        String model = searchModel();
        // an imported price takes effect a minimum lead after the clock's now (10:00): the calls come after it
        event("a-1", "u-1", model, "s-big", 10_000, 2_000, 2, "10:02:00");
        event("a-2", "u-1", model, "s-big", 5_000, 1_000, 0, "10:02:30");
        event("a-3", "u-2", model, "s-small", 100, 10, 0, "10:02:40");
        event("a-4", "u-2", model, null, 100_000, 10_000, 0, "10:02:50"); // no session: not listed
        event("a-1", "u-1", model, "s-big", 10_000, 2_000, 2, "10:02:00"); // a replay counts once

        admin().queryParam("from", FROM).queryParam("to", TO).when().get("/v1/orgs/{o}/usage/sessions", org)
                .then().statusCode(200).body("truncated", equalTo(false))
                .body("sessions.sessionId", contains("s-big", "s-small"))
                .body("sessions[0].endUserId", equalTo("u-1")).body("sessions[0].events", equalTo(2))
                .body("sessions[0].inputTokens", equalTo(15_000)).body("sessions[0].outputTokens", equalTo(3_000))
                .body("sessions[0].firstAt", equalTo(DAY + "T10:02:00Z"))
                .body("sessions[0].lastAt", equalTo(DAY + "T10:02:30Z"))
                // 15,000 × 0.000001 + 3,000 × 0.000002 + 2 searches × 0.01 = 0.041 (cost as the catalog priced it)
                .body("sessions[0].cost", equalTo("0.041000000000"))
                .body("sessions[0].tools", hasSize(1))
                .body("sessions[0].tools[0].dimension", equalTo("unit.web_search_medium"))
                .body("sessions[0].tools[0].quantity", equalTo(2))
                .body("sessions[0].tools[0].cost", equalTo("0.020000000000"))
                .body("sessions[1].tools", hasSize(0));
        // one end user's sessions; a limit that cuts the list says so
        admin().queryParam("from", FROM).queryParam("to", TO).queryParam("endUserId", "u-2")
                .when().get("/v1/orgs/{o}/usage/sessions", org).then().body("sessions.sessionId", contains("s-small"));
        admin().queryParam("from", FROM).queryParam("to", TO).queryParam("limit", 1)
                .when().get("/v1/orgs/{o}/usage/sessions", org).then()
                .body("truncated", equalTo(true)).body("sessions.sessionId", contains("s-big"));
        // outside the window: nothing
        admin().queryParam("from", "2026-02-01T00:00:00Z").queryParam("to", FROM)
                .when().get("/v1/orgs/{o}/usage/sessions", org).then().body("sessions", hasSize(0));
    }

    @Test
    void windowsAndLimitsAreChecked() {
        admin().when().get("/v1/orgs/{o}/usage/sessions", org).then().statusCode(400)
                .body("code", equalTo("window_required"));
        admin().queryParam("from", "2025-12-01T00:00:00Z").queryParam("to", TO)
                .when().get("/v1/orgs/{o}/usage/sessions", org).then().statusCode(400)
                .body("code", equalTo("window_too_long"));
        admin().queryParam("from", FROM).queryParam("to", TO).queryParam("limit", 501)
                .when().get("/v1/orgs/{o}/usage/sessions", org).then().statusCode(400)
                .body("code", equalTo("invalid_limit"));
        admin().queryParam("cursor", "garbage").when().get("/v1/orgs/{o}/quota-flags", org).then().statusCode(400)
                .body("code", equalTo("invalid_cursor"));
        given().header("Authorization", TestTokens.bearer("org-other", Roles.OWNER))
                .queryParam("from", FROM).queryParam("to", TO)
                .when().get("/v1/orgs/{o}/usage/sessions", org).then().statusCode(404);
    }

    @Test
    void theDailySeriesOfOneEndUser() {
        event("d-1", "u-1", "gpt-4o-mini", null, 1000, 100, 0, "08:00:00");
        event("d-2", "u-2", "gpt-4o-mini", null, 5000, 500, 0, "08:00:00");
        admin().queryParam("from", FROM).queryParam("to", TO).queryParam("endUserId", "u-1")
                .when().get("/v1/orgs/{o}/usage/daily", org).then().statusCode(200)
                .body("day", contains(DAY)).body("[0].inputTokens", equalTo(1000)).body("[0].requests", equalTo(1));
        admin().queryParam("from", FROM).queryParam("to", TO)
                .when().get("/v1/orgs/{o}/usage/daily", org).then().body("[0].inputTokens", equalTo(6000));
    }

    @Test
    void alertOnlyQuotaFlagsAreReadableNewestFirstWithACursor() {
        admin().body("""
                {"slug":"soft","name":"Soft","pricing":"markup","markupPercent":"10","enforcement":"alert",
                 "dailyRequestLimit":1,"isDefault":true}""").when().put("/v1/orgs/{o}/rate-plans/soft", org)
                .then().statusCode(200);
        event("f-1", "u-1", "gpt-4o-mini", null, 10, 10, 0, "09:00:00");
        for (int i = 0; i < 3; i++) {
            reporter().queryParam("endUserId", "u-1").when().get("/v1/quota/check").then().statusCode(200)
                    .body("flagged", equalTo(true)).body("reason", equalTo("daily_request_limit"));
        }
        reporter().queryParam("endUserId", "u-9").when().get("/v1/quota/check").then().statusCode(200); // within

        String next = admin().queryParam("limit", 2).when().get("/v1/orgs/{o}/quota-flags", org).then()
                .statusCode(200).body("items", hasSize(2)).body("items.endUserId", contains("u-1", "u-1"))
                .body("items[0].reason", equalTo("daily_request_limit"))
                .body("items[0].environment", equalTo("live"))
                .extract().path("nextCursor");
        admin().queryParam("limit", 2).queryParam("cursor", next).when().get("/v1/orgs/{o}/quota-flags", org)
                .then().body("items", hasSize(1)).body("nextCursor", nullValue());
        admin().queryParam("endUserId", "u-9").when().get("/v1/orgs/{o}/quota-flags", org).then()
                .body("items", hasSize(0));
        admin().queryParam("environment", "test").when().get("/v1/orgs/{o}/quota-flags", org).then()
                .body("items", hasSize(0));
    }

    /** A model priced per token and per medium web search (a LiteLLM entry of our own). */
    private static String searchModel() {
        String id = "t-" + UUID.randomUUID() + "-search";
        given().header("Authorization", TestTokens.as(Roles.PLATFORM_OPERATOR).bearer()).contentType(ContentType.JSON)
                .body("""
                        {"%s":{"litellm_provider":"openai","mode":"chat","input_cost_per_token":0.000001,
                         "output_cost_per_token":0.000002,
                         "search_context_cost_per_query":{"search_context_size_low":0.005,
                          "search_context_size_medium":0.01,"search_context_size_high":0.02}}}""".formatted(id))
                .when().post("/v1/pricing/import/litellm").then().statusCode(200).body("versionsCreated", equalTo(1));
        return id;
    }

    private void event(String id, String user, String model, String session, long in, long out, int searches,
            String time) {
        String extra = (session == null ? "" : ",\"agentSessionId\":\"" + session + "\"")
                + (searches == 0 ? "" : ",\"units\":{\"web_search_medium\":" + searches + "}");
        reporter().body("""
                {"eventId":"%s","endUserId":"%s","model":"%s","inputTokens":%d,"outputTokens":%d,
                 "occurredAt":"%sT%sZ"%s}""".formatted(id, user, model, in, out, DAY, time, extra))
                .when().post("/v1/usage-events").then().log().ifValidationFails().statusCode(oneOf(200, 201));
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
