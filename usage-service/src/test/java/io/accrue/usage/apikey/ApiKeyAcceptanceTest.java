package io.accrue.usage.apikey;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.UUID;

import jakarta.inject.Inject;

import org.junit.jupiter.api.Test;

import io.accrue.common.security.Environment;
import io.accrue.common.security.apikey.ApiKeys;
import io.accrue.usage.UsageFixtures;
import io.agroal.api.AgroalDataSource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;

/**
 * usage-service accepts API keys as subscription-service verifies them (over its introspection endpoint, here a
 * stand-in): a usage-reporter key reports usage for its own organisation and environment and checks quota; other
 * roles are refused as a token with that role would be; unknown keys are 401 and an unreachable owner 503.
 */
@QuarkusTest
class ApiKeyAcceptanceTest {

    @Inject
    AgroalDataSource db;

    @Test
    void aUsageReporterKeyReportsUsageForItsOrganisationAndEnvironment() throws Exception {
        String org = "org-" + UUID.randomUUID();
        String key = ApiKeyStub.issue(org, Environment.TEST, "usage-reporter");
        String eventId = "k-" + UUID.randomUUID();
        given().auth().oauth2(key).contentType(ContentType.JSON)
                .body(UsageFixtures.event(eventId, "u-1", "gpt-4o-mini", 10, 5, "2026-03-15T09:00:00Z"))
                .post("/v1/usage-events").then().statusCode(201);
        try (Connection c = db.getConnection();
                PreparedStatement ps = c.prepareStatement(
                        "select org_id, environment from usage_events where event_id = ?")) {
            ps.setString(1, eventId);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                assertEquals(org, rs.getString(1));
                assertEquals("test", rs.getString(2));
            }
        }
        given().auth().oauth2(key).queryParam("endUserId", "u-1").get("/v1/quota/check").then().statusCode(200)
                .body("allowed", equalTo(true));
    }

    @Test
    void aReadOnlyKeyCannotReportUsage() {
        String org = "org-" + UUID.randomUUID();
        String key = ApiKeyStub.issue(org, Environment.LIVE, "read-only");
        given().auth().oauth2(key).contentType(ContentType.JSON)
                .body(UsageFixtures.event("r-" + UUID.randomUUID(), "u-1", "gpt-4o-mini", 10, 5,
                        "2026-03-15T09:00:00Z"))
                .post("/v1/usage-events").then().statusCode(403).contentType("application/problem+json")
                .body("code", equalTo("forbidden"));
        given().auth().oauth2(key).queryParam("endUserId", "u-1").get("/v1/quota/check").then().statusCode(403);
        // it reads its own organisation; another organisation's data is 404, as for a token
        given().auth().oauth2(key).get("/v1/orgs/{o}/rate-plans", org).then().statusCode(200);
        given().auth().oauth2(key).get("/v1/orgs/{o}/rate-plans", "other-" + org).then().statusCode(404)
                .body("code", equalTo("organisation_not_found"));
    }

    @Test
    void unknownKeysAre401AndAnUnreachableOwner503() {
        given().auth().oauth2(ApiKeys.generate(Environment.LIVE)).queryParam("endUserId", "u-1")
                .get("/v1/quota/check").then().statusCode(401).contentType("application/problem+json")
                .body("code", equalTo("unauthenticated"));
        String failing = ApiKeys.generate(Environment.LIVE);
        ApiKeyStub.answer(failing, 503, "{}");
        given().auth().oauth2(failing).queryParam("endUserId", "u-1").get("/v1/quota/check").then()
                .statusCode(503).contentType("application/problem+json")
                .body("code", equalTo("api_key_verification_unavailable"));
        given().header("Authorization", "Bearer acr_live_nope").queryParam("endUserId", "u-1")
                .get("/v1/quota/check").then().statusCode(401).body("code", equalTo("api_key_malformed"));
    }
}
