package io.accrue.common;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.startsWith;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import io.accrue.common.security.Roles;
import io.accrue.testing.OidcKeysResource;
import io.accrue.testing.TestTokens;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;

/** Hostile input at the edge: every refusal is problem+json with a stable code, never a 500. */
@QuarkusTest
@QuarkusTestResource(OidcKeysResource.class)
class HardeningWebTest {

    private static final String PROBLEM = "application/problem+json";

    private static io.restassured.specification.RequestSpecification owner() {
        return given().auth().oauth2(TestTokens.as(Roles.OWNER).org("a").token()).contentType(ContentType.JSON);
    }

    @ParameterizedTest
    @ValueSource(strings = {"[]", "[{\"name\":\"w\",\"quantity\":1}]", "\"widget\"", "42", "true", "null"})
    void wrongJsonShapesAreProblems(String body) {
        owner().body(body).post("/test/orgs/a/widgets").then().statusCode("null".equals(body) ? 422 : 400)
                .contentType(PROBLEM)
                .body("code", equalTo("null".equals(body) ? "validation_failed" : "invalid_value"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"\"100\"", "1.5", "1.0", "true", "\"\""})
    void integersAreNotCoerced(String quantity) {
        owner().body("{\"name\":\"w\",\"quantity\":" + quantity + "}").post("/test/orgs/a/widgets").then()
                .statusCode(400).contentType(PROBLEM).body("code", equalTo("invalid_value"))
                .body("violations[0].field", equalTo("quantity"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"-1", "1", "0", "\"true\"", "1.5"})
    void booleansAreNotCoerced(String active) {
        owner().body("{\"name\":\"w\",\"quantity\":1,\"active\":" + active + "}").post("/test/orgs/a/widgets")
                .then().statusCode(400).contentType(PROBLEM).body("code", equalTo("invalid_value"))
                .body("violations[0].field", equalTo("active"));
    }

    @Test
    void decimalsStillReadFromStringsAndBooleansFromBooleans() {
        owner().body("{\"name\":\"w\",\"quantity\":1,\"price\":\"12.50\",\"active\":true}")
                .post("/test/orgs/a/widgets").then().statusCode(200).body("price", equalTo("12.50"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"1e999999999", "\"1e999999999\"", "1e-999999999"})
    void decimalsWithHugeExponentsAreRefused(String price) {
        owner().body("{\"name\":\"w\",\"quantity\":1,\"price\":" + price + "}").post("/test/orgs/a/widgets").then()
                .statusCode(400).contentType(PROBLEM).body("code", equalTo("invalid_value"));
    }

    @Test
    void deepNestingIsRefused() {
        owner().body("{\"a\":" + "[".repeat(31) + "]".repeat(31) + "}").post("/test/echo").then().statusCode(200);
        String deep = "{\"a\":" + "[".repeat(5000) + "]".repeat(5000) + "}";
        owner().body(deep).post("/test/echo").then().statusCode(400).contentType(PROBLEM)
                .body("code", equalTo("json_too_complex"));
    }

    @Test
    void nulInBodiesNamesTheField() {
        owner().body("{\"name\":\"w\\u0000x\",\"quantity\":1}").post("/test/orgs/a/widgets").then()
                .statusCode(400).contentType(PROBLEM).body("code", equalTo("invalid_value"))
                .body("violations[0].field", equalTo("name"));
        owner().body("{\"name\":\"w\",\"quantity\":1,\"tags\":{\"k\\u0000\":\"v\"}}").post("/test/orgs/a/widgets")
                .then().statusCode(400).contentType(PROBLEM).body("code", equalTo("invalid_value"));
    }

    @Test
    void nulInPathsAndQueriesIsRefused() {
        given().auth().oauth2(TestTokens.as(Roles.OWNER).org("a").token()).urlEncodingEnabled(false)
                .get("/test/orgs/a%00/widgets").then().statusCode(400).contentType(PROBLEM)
                .body("code", equalTo("invalid_value")).body("violations[0].field", equalTo("path"));
        given().auth().oauth2(TestTokens.as(Roles.OWNER).org("a").token()).urlEncodingEnabled(false)
                .get("/test/orgs/a/widgets?cursor=x%00y").then().statusCode(400).contentType(PROBLEM)
                .body("code", equalTo("invalid_value")).body("violations[0].field", equalTo("cursor"));
    }

    @ParameterizedTest
    @ValueSource(strings = {".", "..", "...", "a.b", "a..c", "a.b.c.d", "%%%.x.y", "ey J.a.b"})
    void malformedBearerTokensAre401(String token) {
        given().header("Authorization", "Bearer " + token).get("/test/orgs/a/widgets").then().statusCode(401)
                .contentType(PROBLEM).body("code", equalTo("unauthenticated"))
                .header("WWW-Authenticate", startsWith("Bearer"));
    }

    @Test
    void httpLayerLimitsAreProblems() {
        given().get("/test/orgs/a/widgets?x=" + "a".repeat(9000)).then().statusCode(414).contentType(PROBLEM)
                .body("code", equalTo("uri_too_long"));
        given().header("X-Big", "b".repeat(17000)).get("/test/orgs/a/widgets").then().statusCode(431)
                .contentType(PROBLEM).body("code", equalTo("headers_too_large"));
        owner().body("{\"name\":\"" + "n".repeat(11 * 1024 * 1024) + "\",\"quantity\":1}")
                .post("/test/orgs/a/widgets").then().statusCode(413).contentType(PROBLEM)
                .body("code", equalTo("payload_too_large"));
    }

    @Test
    void securityHeadersOnEveryAnswer() {
        for (var response : new io.restassured.response.Response[]{
                given().get("/test/orgs/a/widgets"),
                given().auth().oauth2(TestTokens.as(Roles.OWNER).org("a").token()).get("/test/orgs/a/widgets"),
                given().get("/no/such/route"),
                given().get("/q/openapi")}) {
            response.then().header("Strict-Transport-Security", startsWith("max-age="))
                    .header("X-Content-Type-Options", equalTo("nosniff"))
                    .header("Cache-Control", equalTo("no-store"));
        }
    }

    @Test
    void aDatabaseOutageIs503WithRetryAfter() {
        given().auth().oauth2(TestTokens.as(Roles.OWNER).org("a").token()).get("/test/db-down").then()
                .statusCode(503).contentType(PROBLEM).body("code", equalTo("database_unavailable"))
                .header("Retry-After", equalTo("5")).body(org.hamcrest.Matchers.not(containsString("57P01")));
    }

    @Test
    void theTestClockValidatesBeforeItMoves() {
        String operator = TestTokens.as(Roles.PLATFORM_OPERATOR).token();
        String before = given().auth().oauth2(operator).get("/v1/operator/clock").then().statusCode(200)
                .extract().path("now");
        for (String change : new String[]{"{\"advanceBy\":1e30}", "{\"advanceBy\":\"PT2562047788015215H\"}",
                "{\"advanceBy\":\"P3650000D\"}", "{\"advanceBy\":\"-P3650000D\"}",
                "{\"setTo\":\"+1000000000-01-01T00:00:00Z\"}", "{\"advanceBy\":\"soon\"}"}) {
            given().auth().oauth2(operator).contentType(ContentType.JSON).body(change).post("/v1/operator/clock")
                    .then().statusCode(400).contentType(PROBLEM).body("code", equalTo("invalid_value"));
        }
        given().auth().oauth2(operator).get("/v1/operator/clock").then().statusCode(200).body("now", equalTo(before));
    }
}
