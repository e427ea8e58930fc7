package io.accrue.usage;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.not;

import java.util.UUID;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import io.accrue.common.security.Roles;
import io.accrue.testing.TestTokens;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.specification.RequestSpecification;

/**
 * The README's field audit, one test per refusal row that had none: each refused field answers problem+json with
 * its documented code and leaves nothing behind (the rows already tested elsewhere name their test in the README).
 */
@QuarkusTest
class FieldAuditTest {

    private static final String PROBLEM = "application/problem+json";
    /** Tests run with the clock frozen at 2026-03-15T10:00:00Z; the minimum lead is one minute. */
    private static final String FUTURE = "2026-04-01T00:00:00Z";

    private String org;

    @BeforeEach
    void freshOrganisation() {
        org = "audit-" + UUID.randomUUID();
    }

    @Test
    void cachedTokensAboveTheInputAreRefusedAndNothingIsCounted() {
        reporter().body("""
                {"eventId":"c-1","endUserId":"u-1","model":"gpt-4o","inputTokens":10,"cachedTokens":11,
                 "outputTokens":1,"occurredAt":"2026-03-15T09:00:00Z"}""").when().post("/v1/usage-events")
                .then().statusCode(422).contentType(PROBLEM).body("code", equalTo("cached_exceeds_input"));
        noUsage();
    }

    @Test
    void moreThanTenThousandToolCallsAreRefused() {
        reporter().body("""
                {"eventId":"t-1","endUserId":"u-1","model":"gpt-4o","inputTokens":10,"outputTokens":1,
                 "toolCalls":10001,"occurredAt":"2026-03-15T09:00:00Z"}""").when().post("/v1/usage-events")
                .then().statusCode(422).contentType(PROBLEM).body("code", equalTo("validation_failed"));
        noUsage();
        // the bound itself is accepted and counted on the tool_calls meter
        reporter().body("""
                {"eventId":"t-2","endUserId":"u-1","model":"gpt-4o","inputTokens":10,"outputTokens":1,
                 "toolCalls":10000,"occurredAt":"2026-03-15T09:00:00Z"}""").when().post("/v1/usage-events")
                .then().statusCode(201);
        summary().body("totals.toolCalls", equalTo(10000));
    }

    @Test
    void aRatePlanWhoseBodySlugIsNotThePathsIsRefused() {
        admin().body("""
                {"slug":"other","name":"M","pricing":"markup","markupPercent":"10","enforcement":"block"}""")
                .when().put("/v1/orgs/{org}/rate-plans/{slug}", org, "mine")
                .then().statusCode(422).contentType(PROBLEM).body("code", equalTo("slug_mismatch"));
        admin().when().get("/v1/orgs/{org}/rate-plans", org).then().statusCode(200).body("size()", equalTo(0));
    }

    @Test
    void anEndUserCannotBePutOnAPlanTheOrganisationDoesNotHave() {
        reporter().body(UsageFixtures.event("e-1", "u-1", "gpt-4o", 10, 1, "2026-03-15T09:00:00Z"))
                .when().post("/v1/usage-events").then().statusCode(201);
        admin().body("{\"planSlug\":\"no-such-plan\"}")
                .when().put("/v1/orgs/{org}/end-users/{u}/plan", org, "u-1")
                .then().statusCode(404).contentType(PROBLEM).body("code", equalTo("rate_plan_not_found"));
        given().header("Authorization", TestTokens.bearer(org, Roles.MEMBER))
                .when().get("/v1/orgs/{org}/end-users/{u}", org, "u-1").then().statusCode(200)
                .body("planSlug", not(equalTo("no-such-plan")));
    }

    @Test
    void aSecondProviderOrModelWithTheSameIdIsRefused() {
        String provider = "p-" + UUID.randomUUID().toString().substring(0, 8);
        operator().body("{\"id\":\"%s\",\"name\":\"First\"}".formatted(provider))
                .when().post("/v1/pricing/providers").then().statusCode(201);
        operator().body("{\"id\":\"%s\",\"name\":\"Second\"}".formatted(provider))
                .when().post("/v1/pricing/providers")
                .then().statusCode(409).contentType(PROBLEM).body("code", equalTo("provider_exists"));

        String model = "m-" + UUID.randomUUID().toString().substring(0, 8);
        operator().body("{\"id\":\"%s\",\"provider\":\"%s\",\"displayName\":\"First\"}".formatted(model, provider))
                .when().post("/v1/pricing/models").then().statusCode(201);
        operator().body("{\"id\":\"%s\",\"provider\":\"%s\",\"displayName\":\"Second\"}".formatted(model, provider))
                .when().post("/v1/pricing/models")
                .then().statusCode(409).contentType(PROBLEM).body("code", equalTo("model_exists"));
        // the first one stands as it was created
        given().header("Authorization", TestTokens.bearer(org, Roles.MEMBER))
                .when().get("/v1/pricing/models/{m}", model).then().statusCode(200)
                .body("displayName", equalTo("First"));
    }

    @Test
    void aPriceVersionPricingNothingOrAnUnknownDimensionIsRefused() {
        String model = "m-" + UUID.randomUUID().toString().substring(0, 8);
        operator().body("{\"id\":\"%s\",\"provider\":\"openai\",\"displayName\":\"M\"}".formatted(model))
                .when().post("/v1/pricing/models").then().statusCode(201);
        operator().body("{\"effectiveFrom\":\"%s\",\"currency\":\"USD\"}".formatted(FUTURE))
                .when().post("/v1/pricing/models/{m}/price-versions", model)
                .then().statusCode(422).contentType(PROBLEM).body("code", equalTo("price_version_empty"));
        operator().body("""
                {"effectiveFrom":"%s","currency":"USD","inputPerMillion":"1","tokenPrices":{"telepathy":"2"}}"""
                .formatted(FUTURE)).when().post("/v1/pricing/models/{m}/price-versions", model)
                .then().statusCode(422).contentType(PROBLEM).body("code", equalTo("unknown_price_dimension"));
        // input has its own field: a second spelling of it would be one of two prices silently ignored
        operator().body("""
                {"effectiveFrom":"%s","currency":"USD","inputPerMillion":"1","tokenPrices":{"input":"2"}}"""
                .formatted(FUTURE)).when().post("/v1/pricing/models/{m}/price-versions", model)
                .then().statusCode(422).body("code", equalTo("unknown_price_dimension"));
        given().header("Authorization", TestTokens.bearer(org, Roles.MEMBER))
                .when().get("/v1/pricing/models/{m}", model).then().statusCode(200)
                .body("priceVersions.size()", equalTo(0));
    }

    private void noUsage() {
        summary().body("totals.requests", equalTo(0));
    }

    private io.restassured.response.ValidatableResponse summary() {
        return given().header("Authorization", TestTokens.bearer(org, Roles.MEMBER))
                .queryParam("environment", "live").queryParam("from", "2026-03-01T00:00:00Z")
                .queryParam("to", "2026-04-01T00:00:00Z")
                .when().get("/v1/orgs/{org}/usage/summary", org).then().statusCode(200);
    }

    private RequestSpecification reporter() {
        return given().header("Authorization", TestTokens.as(Roles.USAGE_REPORTER).org(org).environment("live")
                .bearer()).contentType(ContentType.JSON);
    }

    private RequestSpecification admin() {
        return given().header("Authorization", TestTokens.bearer(org, Roles.BILLING_ADMIN))
                .contentType(ContentType.JSON);
    }

    private static RequestSpecification operator() {
        return given().header("Authorization", TestTokens.as(Roles.PLATFORM_OPERATOR).bearer())
                .contentType(ContentType.JSON);
    }
}
