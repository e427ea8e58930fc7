package io.accrue.usage.budget;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.contains;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasSize;
import static org.hamcrest.Matchers.nullValue;

import java.util.UUID;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import io.accrue.common.security.Roles;
import io.accrue.testing.TestTokens;
import io.accrue.usage.UsageFixtures;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.specification.RequestSpecification;

@QuarkusTest
class BudgetResourceTest {

    private static final String PROBLEM = "application/problem+json";
    private String org;

    @BeforeEach
    void freshOrganisation() {
        org = "org-" + UUID.randomUUID();
    }

    @Test
    void aBudgetIsCreatedReadReplacedAndDeleted() {
        given().header("Authorization", TestTokens.as(Roles.USAGE_REPORTER).org(org).environment("live").bearer())
                .contentType(ContentType.JSON)
                .body(UsageFixtures.event("e-1", "u-1", "gpt-4o", 1000, 500, "2026-03-15T09:00:00Z"))
                .when().post("/v1/usage-events").then().statusCode(201);
        as(Roles.OWNER).body("""
                {"name":"Monthly cost","metric":"cost","amount":"0.03","currency":"USD"}""")
                .when().put("/v1/orgs/{org}/budgets/monthly", org).then().statusCode(200)
                .body("slug", equalTo("monthly")).body("environment", equalTo("live"))
                .body("scope", equalTo("organisation")).body("thresholds", contains(50, 80, 100))
                .body("amount", equalTo("0.030000000000")).body("tokenLimit", nullValue())
                .body("currentPeriod.start", equalTo("2026-03-01T00:00:00Z"))
                .body("currentPeriod.end", equalTo("2026-04-01T00:00:00Z"))
                .body("currentPeriod.observed", equalTo("0.007500000000"))
                .body("currentPeriod.percentUsed", equalTo("25.00"))
                .body("currentPeriod.alertsFired", equalTo(0));
        as(Roles.BILLING_ADMIN).body("""
                {"slug":"monthly","name":"Monthly tokens","metric":"tokens","tokenLimit":6000,"thresholds":[90,25]}""")
                .when().put("/v1/orgs/{org}/budgets/monthly", org).then().statusCode(200)
                .body("metric", equalTo("tokens")).body("amount", nullValue()).body("currency", nullValue())
                .body("thresholds", contains(25, 90)).body("currentPeriod.observed", equalTo("1500"));
        as(Roles.MEMBER).when().get("/v1/orgs/{org}/budgets", org).then().statusCode(200).body("", hasSize(1))
                .body("[0].name", equalTo("Monthly tokens"));
        as(Roles.MEMBER).when().get("/v1/orgs/{org}/budgets/monthly", org).then().statusCode(200);
        as(Roles.OWNER).when().delete("/v1/orgs/{org}/budgets/monthly", org).then().statusCode(204);
        as(Roles.MEMBER).when().get("/v1/orgs/{org}/budgets/monthly", org).then().statusCode(404)
                .contentType(PROBLEM).body("code", equalTo("budget_not_found"));
        as(Roles.OWNER).when().delete("/v1/orgs/{org}/budgets/monthly", org).then().statusCode(404);
    }

    @Test
    void invalidBudgetsAreRefusedWithStableCodes() {
        refused("{\"name\":\"x\",\"metric\":\"cost\",\"amount\":\"10\"}", 422, "budget_limit_invalid");
        refused("{\"name\":\"x\",\"metric\":\"tokens\",\"tokenLimit\":10,\"amount\":\"10\"}", 422,
                "budget_limit_invalid");
        refused("{\"name\":\"x\",\"metric\":\"cost\",\"amount\":\"10\",\"currency\":\"USD\",\"tokenLimit\":5}", 422,
                "budget_limit_invalid");
        refused("{\"name\":\"x\",\"metric\":\"tokens\",\"tokenLimit\":10,\"scope\":\"end_user\"}", 422,
                "budget_scope_invalid");
        refused("{\"name\":\"x\",\"metric\":\"tokens\",\"tokenLimit\":10,\"scope\":\"organisation\",\"endUserId\":\"u\"}",
                422, "budget_scope_invalid");
        refused("{\"name\":\"x\",\"metric\":\"cost\",\"amount\":\"10\",\"currency\":\"EUR\"}", 422,
                "currency_not_rated");
        refused("{\"name\":\"x\",\"metric\":\"cost\",\"amount\":\"10\",\"currency\":\"XYZ\"}", 422, "unknown_currency");
        refused("{\"name\":\"x\",\"metric\":\"tokens\",\"tokenLimit\":10,\"thresholds\":[50,50]}", 422,
                "thresholds_invalid");
        refused("{\"name\":\"x\",\"metric\":\"tokens\",\"tokenLimit\":10,\"thresholds\":[0]}", 422,
                "validation_failed");
        refused("{\"name\":\"x\",\"metric\":\"tokens\",\"tokenLimit\":0}", 422, "validation_failed");
        refused("{\"name\":\"x\",\"metric\":\"cost\",\"amount\":\"-1\",\"currency\":\"USD\"}", 422,
                "validation_failed");
        refused("{\"name\":\"x\",\"metric\":\"requests\",\"tokenLimit\":10}", 422, "validation_failed");
        refused("{\"name\":\"x\",\"metric\":\"tokens\",\"tokenLimit\":10,\"environment\":\"staging\"}", 422,
                "validation_failed");
        refused("{\"slug\":\"other\",\"name\":\"x\",\"metric\":\"tokens\",\"tokenLimit\":10}", 422, "slug_mismatch");
        refused("{\"name\":\"x\",\"metric\":\"tokens\",\"tokenLimit\":10,\"prompt\":\"hi\"}", 400, "unknown_field");
        as(Roles.OWNER).body("{\"name\":\"x\",\"metric\":\"tokens\",\"tokenLimit\":10}")
                .when().put("/v1/orgs/{org}/budgets/{slug}", org, "Not A Slug").then().statusCode(400)
                .body("code", equalTo("invalid_slug"));
        as(Roles.MEMBER).when().get("/v1/orgs/{org}/budgets", org).then().statusCode(200).body("", hasSize(0));
    }

    @Test
    void rolesAndTenancy() {
        String body = "{\"name\":\"x\",\"metric\":\"tokens\",\"tokenLimit\":10}";
        given().contentType(ContentType.JSON).body(body).when().put("/v1/orgs/{org}/budgets/b", org)
                .then().statusCode(401).contentType(PROBLEM).body("code", equalTo("unauthenticated"));
        for (String role : new String[]{Roles.MEMBER, Roles.USAGE_REPORTER, Roles.BILLING_SERVICE}) {
            as(role).body(body).when().put("/v1/orgs/{org}/budgets/b", org).then().statusCode(403)
                    .contentType(PROBLEM).body("code", equalTo("forbidden"));
        }
        as(Roles.USAGE_REPORTER).when().get("/v1/orgs/{org}/budget-alerts", org).then().statusCode(403);
        given().header("Authorization", TestTokens.bearer("someone-else", Roles.OWNER)).contentType(ContentType.JSON)
                .body(body).when().put("/v1/orgs/{org}/budgets/b", org).then().statusCode(404)
                .body("code", equalTo("organisation_not_found"));
        given().header("Authorization", TestTokens.bearer("someone-else", Roles.MEMBER))
                .when().get("/v1/orgs/{org}/budget-alerts", org).then().statusCode(404);
        given().header("Authorization", TestTokens.as(Roles.PLATFORM_OPERATOR).bearer()).contentType(ContentType.JSON)
                .body(body).when().put("/v1/orgs/{org}/budgets/b", org).then().statusCode(200);
        as(Roles.MEMBER).queryParam("environment", "staging").when().get("/v1/orgs/{org}/budget-alerts", org)
                .then().statusCode(400).body("code", equalTo("invalid_environment"));
        given().when().post("/v1/operator/budgets/run").then().statusCode(401);
        as(Roles.OWNER).when().post("/v1/operator/budgets/run").then().statusCode(403);
        given().header("Authorization", TestTokens.as(Roles.PLATFORM_OPERATOR).bearer())
                .when().post("/v1/operator/budgets/run").then().statusCode(200)
                .body("evaluation.periods", contains("2026-03-01T00:00:00Z"));
    }

    /** The retired endpoint API names where endpoints live now; it registers nothing that would receive nothing. */
    @Test
    void theRetiredWebhookEndpointApiAnswersGoneAndPointsToSubscriptionService() {
        String path = "/v1/orgs/{org}/webhook-endpoints";
        as(Roles.MEMBER).body("{\"url\":\"https://example.com/h\"}").when().post(path, org).then().statusCode(403);
        given().header("Authorization", TestTokens.bearer("someone-else", Roles.OWNER)).when().get(path, org)
                .then().statusCode(404);
        as(Roles.OWNER).body("{\"url\":\"https://example.com/h\",\"description\":\"ops\"}").when()
                .post(path, org).then().statusCode(410).contentType(PROBLEM)
                .body("code", equalTo("webhook_endpoints_moved"))
                .body("detail", containsString("/v1/accounts/" + org + "/webhook-endpoints"));
        as(Roles.BILLING_ADMIN).when().get(path, org).then().statusCode(410)
                .body("code", equalTo("webhook_endpoints_moved"));
        as(Roles.OWNER).when().delete(path + "/{id}", org, UUID.randomUUID()).then().statusCode(410)
                .body("code", equalTo("webhook_endpoints_moved"));
    }

    private void refused(String body, int status, String code) {
        as(Roles.OWNER).body(body).when().put("/v1/orgs/{org}/budgets/b", org).then().statusCode(status)
                .contentType(PROBLEM).body("code", equalTo(code));
    }

    private RequestSpecification as(String role) {
        return given().header("Authorization", TestTokens.as(role).org(org).bearer()).contentType(ContentType.JSON);
    }
}
