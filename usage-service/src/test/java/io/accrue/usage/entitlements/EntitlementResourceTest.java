package io.accrue.usage.entitlements;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.contains;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasSize;
import static org.hamcrest.Matchers.nullValue;

import java.util.UUID;

import org.junit.jupiter.api.Test;

import io.accrue.common.security.Roles;
import io.accrue.testing.TestTokens;
import io.accrue.usage.UsageFixtures;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.specification.RequestSpecification;

/**
 * Entitlement checks against the subscription-service stand-in's {@code entitled-*} plan: features sso and
 * audit-log, models gpt-4o-mini only, limits 2,000 LLM tokens and 1 agent session per period, config max-seats 25.
 */
@QuarkusTest
class EntitlementResourceTest {

    private static final String PROBLEM = "application/problem+json";

    @Test
    void featuresConfigAndAnUnknownNameAnswerFromThePlan() {
        String org = "entitled-" + UUID.randomUUID();
        reporter(org).when().get("/v1/orgs/{o}/entitlements/{n}", org, "sso").then().statusCode(200)
                .body("kind", equalTo("feature")).body("entitled", equalTo(true)).body("limit", nullValue());
        reporter(org).when().get("/v1/orgs/{o}/entitlements/{n}", org, "max-seats").then().statusCode(200)
                .body("kind", equalTo("config")).body("entitled", equalTo(true)).body("value", equalTo("25"));
        reporter(org).when().get("/v1/orgs/{o}/entitlements/{n}", org, "white-label").then().statusCode(200)
                .body("kind", equalTo("feature")).body("entitled", equalTo(false));
    }

    @Test
    void aMeteredLimitCountsThisPeriodsUsageAndStopsAtTheLimit() {
        String org = "entitled-" + UUID.randomUUID();
        reporter(org).when().get("/v1/orgs/{o}/entitlements/{n}", org, "llm_tokens").then().statusCode(200)
                .body("kind", equalTo("limit")).body("entitled", equalTo(true)).body("limit", equalTo(2000))
                .body("used", equalTo(0)).body("remaining", equalTo(2000));
        ingest(org, "e1", 1200, 300); // 1,500 of 2,000
        // tests reread the count at once (usage-ttl PT0S); production reuses it for 10 s
        reporter(org).when().get("/v1/orgs/{o}/entitlements/{n}", org, "llm_tokens").then()
                .body("used", equalTo(1500)).body("remaining", equalTo(500)).body("entitled", equalTo(true));
        ingest(org, "e2", 400, 100); // exactly 2,000: the limit is used up
        reporter(org).when().get("/v1/orgs/{o}/entitlements/{n}", org, "llm_tokens").then()
                .body("used", equalTo(2000)).body("remaining", equalTo(0)).body("entitled", equalTo(false));
    }

    @Test
    void theBulkFormListsEveryNameAndItsStaleness() {
        String org = "entitled-" + UUID.randomUUID();
        given().header("Authorization", TestTokens.bearer(org, Roles.MEMBER))
                .when().get("/v1/orgs/{o}/entitlements", org).then().statusCode(200)
                .body("planSlug", equalTo("team")).body("accountStatus", equalTo("active"))
                .body("periodStart", equalTo("2026-03-01T00:00:00Z"))
                .body("allowedModels", contains("gpt-4o-mini"))
                .body("entitlements.name", contains("audit-log", "sso", "agent_sessions", "llm_tokens", "max-seats"))
                .body("entitlements.kind", contains("feature", "feature", "limit", "limit", "config"))
                .body("maxStaleSeconds", equalTo(30));
    }

    @Test
    void aSuspendedAccountIsEntitledToNothingAndAnUnreadablePlanIs503() {
        String lapsed = "lapsed-" + UUID.randomUUID();
        reporter(lapsed).when().get("/v1/orgs/{o}/entitlements/{n}", lapsed, "sso").then().statusCode(200)
                .body("kind", equalTo("feature")).body("entitled", equalTo(false));
        String down = "down-" + UUID.randomUUID();
        reporter(down).when().get("/v1/orgs/{o}/entitlements/{n}", down, "sso").then().statusCode(503)
                .contentType(PROBLEM).body("code", equalTo("entitlements_unavailable"));
        String none = "none-" + UUID.randomUUID();
        reporter(none).when().get("/v1/orgs/{o}/entitlements", none).then().statusCode(404)
                .body("code", equalTo("account_not_found"));
    }

    @Test
    void anotherOrganisationsEntitlementsAreNotVisibleAndNamesAreChecked() {
        String org = "entitled-" + UUID.randomUUID();
        reporter("entitled-other").when().get("/v1/orgs/{o}/entitlements/{n}", org, "sso").then().statusCode(404);
        reporter(org).when().get("/v1/orgs/{o}/entitlements/{n}", org, "Not A Name").then().statusCode(422)
                .contentType(PROBLEM);
    }

    @Test
    void theQuotaCheckRefusesAModelTheOrganisationsPlanDoesNotInclude() {
        String org = "entitled-" + UUID.randomUUID();
        reporter(org).queryParam("endUserId", "u-1").queryParam("model", "gpt-4o").when().get("/v1/quota/check")
                .then().statusCode(403).contentType(PROBLEM).body("code", equalTo("model_not_entitled"));
        reporter(org).queryParam("endUserId", "u-1").queryParam("model", "openai/gpt-4o-mini").when()
                .get("/v1/quota/check").then().statusCode(200).body("allowed", equalTo(true));
        reporter(org).body("{\"endUserId\":\"u-1\",\"estimatedTokens\":10,\"model\":\"gpt-4o\"}")
                .when().post("/v1/quota/reservations").then().statusCode(403)
                .body("code", equalTo("model_not_entitled"));
        // a plan without a list allows every model
        String plain = "org-" + UUID.randomUUID();
        reporter(plain).queryParam("endUserId", "u-1").queryParam("model", "gpt-4o").when().get("/v1/quota/check")
                .then().statusCode(200);
        reporter(org).when().get("/v1/orgs/{o}/entitlements", org).then().body("entitlements", hasSize(5));
    }

    private static void ingest(String org, String id, long in, long out) {
        reporter(org).body(UsageFixtures.event(id, "u-1", "gpt-4o-mini", in, out, "2026-03-15T09:00:00Z"))
                .when().post("/v1/usage-events").then().statusCode(201);
    }

    private static RequestSpecification reporter(String org) {
        return given()
                .header("Authorization", TestTokens.as(Roles.USAGE_REPORTER).org(org).environment("live").bearer())
                .contentType(ContentType.JSON);
    }
}
