package io.accrue.common;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasSize;
import static org.hamcrest.Matchers.not;
import static org.hamcrest.Matchers.notNullValue;
import static org.hamcrest.Matchers.nullValue;

import org.junit.jupiter.api.Test;

import io.accrue.common.security.Roles;
import io.accrue.testing.OidcKeysResource;
import io.accrue.testing.TestTokens;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;

/** The cross-cutting rules every service inherits: tenancy, roles, problem bodies, paging, the test clock. */
@QuarkusTest
@QuarkusTestResource(OidcKeysResource.class)
class CommonWebTest {

    private static final String PROBLEM = "application/problem+json";

    @Test
    void organisationScopeMatrix() {
        String path = "/test/orgs/{org}/widgets";
        given().get(path, "a").then().statusCode(401).contentType(PROBLEM).body("code", equalTo("unauthenticated"));
        given().auth().oauth2(TestTokens.as(Roles.OWNER).org("a").forged().token()).get(path, "a")
                .then().statusCode(401).contentType(PROBLEM);
        given().auth().oauth2(TestTokens.as(Roles.OWNER).org("a").expired().token()).get(path, "a")
                .then().statusCode(401).contentType(PROBLEM);
        given().auth().oauth2(TestTokens.as(Roles.USAGE_REPORTER).org("a").token()).get(path, "a")
                .then().statusCode(403).contentType(PROBLEM).body("code", equalTo("forbidden"));
        given().auth().oauth2(TestTokens.as(Roles.OWNER).org("a").token()).get(path, "b")
                .then().statusCode(404).contentType(PROBLEM).body("code", equalTo("organisation_not_found"));
        given().auth().oauth2(TestTokens.as(Roles.OWNER).org("a").token()).get(path, "a")
                .then().statusCode(200).body("items[0]", equalTo("a-0"));
        given().auth().oauth2(TestTokens.as(Roles.PLATFORM_OPERATOR).token()).get(path, "b")
                .then().statusCode(200);
        given().auth().oauth2(TestTokens.as(Roles.BILLING_SERVICE).token()).get(path, "b")
                .then().statusCode(200);
    }

    @Test
    void writesAreScopedToo() {
        given().auth().oauth2(TestTokens.as(Roles.OWNER).org("a").token()).contentType(ContentType.JSON)
                .body("{\"name\":\"w\",\"quantity\":1}")
                .post("/test/orgs/{org}/widgets", "b")
                .then().statusCode(404).body("code", equalTo("organisation_not_found"));
    }

    @Test
    void unannotatedEndpointsAreDenied() {
        given().auth().oauth2(TestTokens.as(Roles.OWNER).org("a").token()).get("/test/open")
                .then().statusCode(403).contentType(PROBLEM);
        given().get("/test/open").then().statusCode(401);
    }

    @Test
    void validationFailuresListEveryViolation() {
        given().auth().oauth2(TestTokens.as(Roles.OWNER).org("a").token()).contentType(ContentType.JSON)
                .body("{\"name\":\"\",\"quantity\":0}")
                .post("/test/orgs/{org}/widgets", "a")
                .then().statusCode(422).contentType(PROBLEM)
                .body("code", equalTo("validation_failed"))
                .body("violations", hasSize(2))
                .body("violations.find { it.field == 'widget.name' || it.field == 'name' }", notNullValue());
    }

    @Test
    void jsonErrorsAre400WithStableCodes() {
        String owner = TestTokens.as(Roles.OWNER).org("a").token();
        given().auth().oauth2(owner).contentType(ContentType.JSON).body("{\"name\":")
                .post("/test/orgs/a/widgets").then().statusCode(400).contentType(PROBLEM)
                .body("code", equalTo("malformed_json"));
        given().auth().oauth2(owner).contentType(ContentType.JSON)
                .body("{\"name\":\"w\",\"quantity\":1,\"prompt\":\"x\"}")
                .post("/test/orgs/a/widgets").then().statusCode(400)
                .body("code", equalTo("unknown_field")).body("violations[0].field", equalTo("prompt"));
        given().auth().oauth2(owner).contentType(ContentType.JSON).body("{\"name\":\"w\",\"quantity\":\"many\"}")
                .post("/test/orgs/a/widgets").then().statusCode(400).body("code", equalTo("invalid_value"));
        given().auth().oauth2(owner).contentType(ContentType.JSON)
                .body("{\"name\":\"w\",\"name\":\"v\",\"quantity\":1}")
                .post("/test/orgs/a/widgets").then().statusCode(400).body("code", equalTo("malformed_json"));
        given().auth().oauth2(owner).contentType(ContentType.TEXT).body("hello")
                .post("/test/orgs/a/widgets").then().statusCode(415).contentType(PROBLEM)
                .body("code", equalTo("unsupported_media_type"));
    }

    @Test
    void decimalsTravelAsStrings() {
        given().auth().oauth2(TestTokens.as(Roles.OWNER).org("a").token()).contentType(ContentType.JSON)
                .body("{\"name\":\"w\",\"quantity\":1,\"price\":0.000001234567}")
                .post("/test/orgs/a/widgets")
                .then().statusCode(200).body("price", equalTo("0.000001234567"));
    }

    @Test
    void zeroWithScaleIsPlainText() {
        given().auth().oauth2(TestTokens.as(Roles.OWNER).org("a").token()).contentType(ContentType.JSON)
                .body("{\"name\":\"w\",\"quantity\":1,\"price\":0E-12}")
                .post("/test/orgs/a/widgets")
                .then().statusCode(200).body("price", equalTo("0.000000000000"));
    }

    @Test
    void unexpectedErrorsAreOpaque() {
        given().auth().oauth2(TestTokens.as(Roles.OWNER).org("a").token()).get("/test/boom")
                .then().statusCode(500).contentType(PROBLEM)
                .body("code", equalTo("internal_error"))
                .body("errorId", notNullValue())
                .body(not(containsString("IllegalStateException")))
                .body(not(containsString("com.example")));
    }

    @Test
    void problemExtensionsAreTopLevelMembers() {
        given().auth().oauth2(TestTokens.as(Roles.OWNER).org("a").token()).get("/test/quota")
                .then().statusCode(429).body("code", equalTo("quota_exceeded")).body("limit", equalTo(1000))
                .body("remaining", equalTo(0));
    }

    @Test
    void callerCarriesOrganisationAndEnvironmentFromTheToken() {
        given().auth().oauth2(TestTokens.as(Roles.USAGE_REPORTER).org("a").environment("live").token())
                .get("/test/me").then().statusCode(200).body(equalTo("a/live"));
        given().auth().oauth2(TestTokens.as(Roles.USAGE_REPORTER).org("a").token())
                .get("/test/me").then().statusCode(403).body("code", equalTo("environment_missing"));
        given().auth().oauth2(TestTokens.as(Roles.OWNER).token())
                .get("/test/me").then().statusCode(403).body("code", equalTo("organisation_missing"));
    }

    @Test
    void cursorsPageThroughAndRejectForeignCursors() {
        String owner = TestTokens.as(Roles.OWNER).org("a").token();
        String next = given().auth().oauth2(owner).get("/test/orgs/a/widgets?limit=2")
                .then().statusCode(200).body("items", hasSize(2)).body("hasMore", equalTo(true))
                .extract().path("nextCursor");
        given().auth().oauth2(owner).queryParam("cursor", next).queryParam("limit", 3).get("/test/orgs/a/widgets")
                .then().statusCode(200).body("items[0]", equalTo("a-2")).body("hasMore", equalTo(false))
                .body("nextCursor", nullValue());
        given().auth().oauth2(owner).queryParam("cursor", "!!!").get("/test/orgs/a/widgets")
                .then().statusCode(400).body("code", equalTo("invalid_cursor"));
        given().auth().oauth2(owner).queryParam("limit", 0).get("/test/orgs/a/widgets")
                .then().statusCode(400).body("code", equalTo("invalid_limit"));
    }

    @Test
    void operatorMovesTheTestClock() {
        String operator = TestTokens.as(Roles.PLATFORM_OPERATOR).token();
        String before = given().auth().oauth2(operator).get("/v1/operator/clock")
                .then().statusCode(200).body("frozen", equalTo(true)).extract().path("now");
        given().auth().oauth2(operator).contentType(ContentType.JSON).body("{\"advanceBy\":\"P1D\"}")
                .post("/v1/operator/clock").then().statusCode(200)
                .body("now", equalTo(java.time.Instant.parse(before).plus(java.time.Duration.ofDays(1)).toString()));
        String later = java.time.Instant.parse(before).plus(java.time.Duration.ofDays(40)).toString();
        given().auth().oauth2(operator).contentType(ContentType.JSON).body("{\"setTo\":\"" + later + "\"}")
                .post("/v1/operator/clock").then().statusCode(200).body("now", equalTo(later));

        // backwards: to or after the latest recorded data it goes, before it refused with nothing moved
        java.time.Instant recorded = java.time.Instant.parse(before).plus(java.time.Duration.ofDays(10));
        TestRecordedData.LATEST.set(new io.accrue.common.time.RecordedData.Mark(recorded, "the latest widget"));
        try {
            given().auth().oauth2(operator).contentType(ContentType.JSON).body("{\"setTo\":\"2026-03-15T10:00:00Z\"}")
                    .post("/v1/operator/clock").then().statusCode(409)
                    .contentType("application/problem+json").body("code", equalTo("clock_backwards"))
                    .body("detail", org.hamcrest.Matchers.containsString("the latest widget at " + recorded));
            given().auth().oauth2(operator).contentType(ContentType.JSON)
                    .body("{\"setTo\":\"" + recorded.minusSeconds(1) + "\"}")
                    .post("/v1/operator/clock").then().statusCode(409).body("code", equalTo("clock_backwards"));
            given().auth().oauth2(operator).get("/v1/operator/clock").then().body("now", equalTo(later));
            // a dry run says what would happen and moves nothing
            given().auth().oauth2(operator).contentType(ContentType.JSON).queryParam("dryRun", true)
                    .body("{\"setTo\":\"" + recorded + "\"}")
                    .post("/v1/operator/clock").then().statusCode(200).body("now", equalTo(recorded.toString()));
            given().auth().oauth2(operator).get("/v1/operator/clock").then().body("now", equalTo(later));
            given().auth().oauth2(operator).contentType(ContentType.JSON).body("{\"setTo\":\"" + recorded + "\"}")
                    .post("/v1/operator/clock").then().statusCode(200).body("now", equalTo(recorded.toString()));
            given().auth().oauth2(operator).contentType(ContentType.JSON).body("{\"advanceBy\":\"-PT1S\"}")
                    .post("/v1/operator/clock").then().statusCode(409).body("code", equalTo("clock_backwards"));
            given().auth().oauth2(operator).get("/v1/operator/clock").then().body("now", equalTo(recorded.toString()));
        } finally {
            TestRecordedData.LATEST.set(null);
        }
        // with nothing recorded, back is fine
        given().auth().oauth2(operator).contentType(ContentType.JSON).body("{\"setTo\":\"" + later + "\"}")
                .post("/v1/operator/clock").then().statusCode(200);
        given().auth().oauth2(operator).contentType(ContentType.JSON).body("{\"advanceBy\":\"-PT1S\"}")
                .post("/v1/operator/clock").then().statusCode(200);
        TestRecordedData.LATEST.set(new io.accrue.common.time.RecordedData.Mark(
                java.time.Instant.parse("2027-01-01T00:00:00Z"), "the latest widget"));
        given().auth().oauth2(operator).contentType(ContentType.JSON).body("{\"setTo\":\"2026-03-15T10:00:00Z\"}")
                .queryParam("force", true).post("/v1/operator/clock").then().statusCode(200)
                .body("now", equalTo("2026-03-15T10:00:00Z"));
        TestRecordedData.LATEST.set(null);
        given().auth().oauth2(operator).contentType(ContentType.JSON).body("{}")
                .post("/v1/operator/clock").then().statusCode(422).body("code", equalTo("clock_change_invalid"));
        given().auth().oauth2(TestTokens.as(Roles.OWNER).org("a").token()).contentType(ContentType.JSON)
                .body("{\"advanceBy\":\"P1D\"}").post("/v1/operator/clock").then().statusCode(403);
        // anyone signed in reads it (the console shows the services' time); nobody but the operator moves it
        given().auth().oauth2(TestTokens.as(Roles.MEMBER).org("a").token()).get("/v1/operator/clock")
                .then().statusCode(200).body("now", equalTo("2026-03-15T10:00:00Z"));
        given().auth().oauth2(TestTokens.as(Roles.USAGE_REPORTER).org("a").token()).get("/v1/operator/clock")
                .then().statusCode(403);
    }
}
