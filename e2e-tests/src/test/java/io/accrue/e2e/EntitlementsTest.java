package io.accrue.e2e;

import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;

import org.awaitility.Awaitility;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import io.restassured.http.ContentType;
import io.restassured.path.json.JsonPath;

/**
 * Entitlements across the services (docs/entitlements.md): an operator's plan with entitlements, an organisation
 * moved onto it, and usage-service answering the checks from subscription-service's status — features, a metered
 * limit counted from this period's usage, a config value, and the quota check refusing a model the plan excludes.
 */
class EntitlementsTest {

    private static final String ORG = "entitled-e2e";
    private static final String PLAN = "e2e-entitled";

    @BeforeAll
    static void anOrganisationOnAPlanWithEntitlements() {
        Suite.stack();
        given().auth().oauth2(Suite.operatorToken()).contentType(ContentType.JSON).body("""
                {"slug":"%s","name":"Entitled","tier":"business","billingModel":"flat","interval":"month",
                 "basePrices":{"USD":"0.00"},
                 "entitlements":{"features":["sso"],"allowedModels":["gpt-4o-mini"],
                  "limits":{"llm_tokens":3000},"config":{"max-seats":"25"}}}""".formatted(PLAN))
                .post(Suite.url("subscription-service") + "/v1/plans").then().statusCode(201);
        given().auth().oauth2(Suite.operatorToken()).contentType(ContentType.JSON)
                .body(Map.of("orgId", ORG, "name", "Entitled Inc", "currency", "USD", "timeZone", "UTC"))
                .post(Suite.url("subscription-service") + "/v1/accounts").then().statusCode(201);
        given().auth().oauth2(Suite.token("owner", ORG, "owner")).contentType(ContentType.JSON)
                .body(Map.of("planSlug", PLAN, "timing", "now")) // same price as free: not an upgrade, so say now
                .post(Suite.url("subscription-service") + "/v1/accounts/{org}/subscription/plan-change", ORG)
                .then().statusCode(200);
    }

    @Test
    void usageServiceAnswersThePlansEntitlementsAndCountsTheLimit() {
        String reporter = Suite.reporterToken(ORG, "live");
        send(reporter, "ent-1", 2000);
        JsonPath all = given().auth().oauth2(reporter)
                .get(Suite.url("usage-service") + "/v1/orgs/{o}/entitlements", ORG)
                .then().statusCode(200).extract().jsonPath();
        assertEquals(PLAN, all.getString("planSlug"));
        assertEquals(List.of("sso", "llm_tokens", "max-seats"), all.getList("entitlements.name"));
        assertEquals(List.of(true, true, true), all.getList("entitlements.entitled"));
        assertEquals(2000, all.getInt("entitlements.find { it.name == 'llm_tokens' }.used"));
        assertEquals("25", all.getString("entitlements.find { it.name == 'max-seats' }.value"));

        send(reporter, "ent-2", 1000); // 3,000 of 3,000: used up once the count is reread (at most 10 s later)
        Awaitility.await("the limit used up").atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofSeconds(1))
                .until(() -> !given().auth().oauth2(reporter)
                        .get(Suite.url("usage-service") + "/v1/orgs/{o}/entitlements/llm_tokens", ORG)
                        .then().statusCode(200).extract().jsonPath().getBoolean("entitled"));
        given().auth().oauth2(reporter).get(Suite.url("usage-service") + "/v1/orgs/{o}/entitlements/white-label", ORG)
                .then().statusCode(200).body("entitled", org.hamcrest.Matchers.equalTo(false));
    }

    @Test
    void theQuotaCheckRefusesAModelOutsideThePlan() {
        String reporter = Suite.reporterToken(ORG, "live");
        // a first status lookup that misses the quota path's 500 ms bound answers "unknown" (allowed, flagged) and is
        // asked again 2 s later: wait for usage-service to have read the plan
        Awaitility.await("usage-service has read the plan").atMost(Duration.ofSeconds(30))
                .pollInterval(Duration.ofSeconds(1)).until(() -> given().auth().oauth2(reporter)
                        .queryParam("endUserId", "u-1").queryParam("model", "gpt-4o")
                        .get(Suite.url("usage-service") + "/v1/quota/check").statusCode() == 403);
        given().auth().oauth2(reporter).queryParam("endUserId", "u-1").queryParam("model", "gpt-4o")
                .get(Suite.url("usage-service") + "/v1/quota/check")
                .then().statusCode(403).body("code", org.hamcrest.Matchers.equalTo("model_not_entitled"));
        given().auth().oauth2(reporter).queryParam("endUserId", "u-1").queryParam("model", "gpt-4o-mini")
                .get(Suite.url("usage-service") + "/v1/quota/check").then().statusCode(200);
    }

    private static void send(String reporter, String id, long inputTokens) {
        Instant now = Instant
                .parse(given().auth().oauth2(Suite.operatorToken())
                        .get(Suite.url("usage-service") + "/v1/operator/clock")
                        .then().statusCode(200).extract().jsonPath().getString("now"));
        given().auth().oauth2(reporter).contentType(ContentType.JSON)
                .body(Map.of("eventId", id, "endUserId", "u-1", "model", "gpt-4o-mini", "inputTokens", inputTokens,
                        "outputTokens", 0, "occurredAt", now.toString()))
                .post(Suite.url("usage-service") + "/v1/usage-events").then().statusCode(201);
    }
}
