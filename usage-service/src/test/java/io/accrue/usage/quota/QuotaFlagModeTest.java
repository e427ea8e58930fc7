package io.accrue.usage.quota;

import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.contains;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.nullValue;

import java.time.Duration;
import java.time.Instant;
import java.util.UUID;

import jakarta.inject.Inject;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import io.accrue.common.security.Roles;
import io.accrue.common.time.AdjustableClock;
import io.accrue.testing.TestTokens;
import io.accrue.usage.FlagUnpricedProfile;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import io.restassured.http.ContentType;
import io.restassured.response.ValidatableResponse;
import io.restassured.specification.RequestSpecification;

/**
 * With {@code unknown-model=flag}, the quota check answers what ingestion will do (billing-rules "Rating usage" rule
 * 10): a call ingestion would record unpriced is allowed and flagged with the code ingestion would otherwise
 * refuse it with — an unknown model, a model without a price in effect, tokens of a model that prices only units —
 * and the event is then recorded unpriced, so the close waits for its price. A unit the version does not price is
 * not something a check can see (it names no units): the check is not flagged, the event is recorded unpriced.
 */
@QuarkusTest
@TestProfile(FlagUnpricedProfile.class)
class QuotaFlagModeTest {

    /** When events happen: inside the future skew of the frozen 10:00, and after a version starting at 10:01. */
    private static final String AT = "2026-03-15T10:02:00Z";
    private String org;
    @Inject
    AdjustableClock clock;

    @BeforeEach
    void freshOrganisation() {
        org = "org-" + UUID.randomUUID();
        // the account status is read from subscription-service's stand-in; until it has answered (a first call on a
        // loaded machine can pass the 500 ms timeout) a check is flagged account_status_unknown, named first
        await().atMost(Duration.ofSeconds(30)).until(() -> !reporter().queryParam("endUserId", "u-1").when()
                .get("/v1/quota/check").then().statusCode(200).extract().<Boolean>path("flagged"));
    }

    @Test
    void anUnknownModelIsFlaggedAndItsUsageRecordedUnpriced() {
        String spelling = "mystery-" + UUID.randomUUID();
        check(spelling, 500).statusCode(200).body("allowed", equalTo(true)).body("flagged", equalTo(true))
                .body("reason", equalTo("unknown_model"));
        reporter().body("{\"endUserId\":\"u-1\",\"model\":\"%s\",\"estimatedTokens\":500}".formatted(spelling))
                .when().post("/v1/quota/reservations").then().statusCode(201);
        event(spelling, "\"inputTokens\":400,\"outputTokens\":100").statusCode(201).body("unpriced", equalTo(true));
        summary().body("totals.unpricedEvents", equalTo(1)).body("totals.cost", equalTo("0.000000000000"));
    }

    @Test
    void aModelWithoutAPriceInEffectIsFlagged() {
        String model = model();
        // its first price starts in a minute: nothing prices a call now
        operator()
                .body("""
                        {"effectiveFrom":"2026-03-15T10:01:00Z","currency":"USD","inputPerMillion":"1","outputPerMillion":"4"}""")
                .when().post("/v1/pricing/models/{m}/price-versions", model).then().statusCode(201);
        check(model, 100).statusCode(200).body("allowed", equalTo(true)).body("flagged", equalTo(true))
                .body("reason", equalTo("no_price_in_effect"));
    }

    @Test
    void tokensOfAModelThatPricesOnlyUnitsAreFlaggedAndItsUnpricedUnitsWait() {
        String model = model();
        // a per-image model (as LiteLLM's dall-e-3: input_cost_per_image only), in effect a minute from now
        operator().body("""
                {"effectiveFrom":"2026-03-15T10:01:00Z","currency":"USD","unitPrices":{"input_image":"0.04"}}""")
                .when().post("/v1/pricing/models/{m}/price-versions", model).then().statusCode(201);
        clock.set(Instant.parse(AT));
        try {
            // tokens: ingestion would leave them unpriced (dimension_not_priced), so the check flags it
            check(model, 1_000).statusCode(200).body("allowed", equalTo(true)).body("flagged", equalTo(true))
                    .body("reason", equalTo("dimension_not_priced"));
            event(model, "\"inputTokens\":1000,\"outputTokens\":0").statusCode(201)
                    .body("unpriced", equalTo(true));
            // a call without tokens (images only) is what the model prices: not flagged, and priced
            check(model, 0).statusCode(200).body("allowed", equalTo(true)).body("flagged", equalTo(false))
                    .body("reason", nullValue());
            event(model, "\"inputTokens\":0,\"outputTokens\":0,\"units\":{\"input_image\":2}").statusCode(201)
                    .body("unpriced", equalTo(false)).body("cost", equalTo("0.080000000000"));
            // a unit it does not price: the check cannot see units, ingestion records the event unpriced
            check(model, 0).statusCode(200).body("flagged", equalTo(false));
            event(model, "\"inputTokens\":0,\"outputTokens\":0,\"units\":{\"input_second\":30}").statusCode(201)
                    .body("unpriced", equalTo(true));
            summary().body("totals.unpricedEvents", equalTo(2)).body("totals.cost", equalTo("0.080000000000"))
                    .body("byModel[0].dimensions.dimension", contains("unit.input_image"))
                    .body("byModel[0].dimensions[0].quantity", equalTo(2));
        } finally {
            clock.set(Instant.parse("2026-03-15T10:00:00Z"));
        }
    }

    private String model() {
        String model = "units-" + UUID.randomUUID();
        operator().body("{\"id\":\"%s\",\"provider\":\"openai\",\"displayName\":\"Units\"}".formatted(model))
                .when().post("/v1/pricing/models").then().statusCode(201);
        return model;
    }

    private ValidatableResponse check(String model, long tokens) {
        return reporter().queryParam("endUserId", "u-1").queryParam("model", model)
                .queryParam("estimatedTokens", tokens).when().get("/v1/quota/check").then();
    }

    private ValidatableResponse event(String model, String counts) {
        return reporter().body("{\"eventId\":\"%s\",\"endUserId\":\"u-1\",\"model\":\"%s\",\"occurredAt\":\"%s\",%s}"
                .formatted(UUID.randomUUID(), model, AT, counts))
                .when().post("/v1/usage-events").then();
    }

    private RequestSpecification reporter() {
        return given()
                .header("Authorization", TestTokens.as(Roles.USAGE_REPORTER).org(org).environment("live").bearer())
                .contentType(ContentType.JSON);
    }

    private ValidatableResponse summary() {
        return given().header("Authorization", TestTokens.bearer(org, Roles.MEMBER))
                .queryParam("environment", "live").queryParam("from", "2026-03-01T00:00:00Z")
                .queryParam("to", "2026-04-01T00:00:00Z")
                .when().get("/v1/orgs/{org}/usage/summary", org).then().statusCode(200);
    }

    private static RequestSpecification operator() {
        return given().header("Authorization", TestTokens.as(Roles.PLATFORM_OPERATOR).bearer())
                .contentType(ContentType.JSON);
    }
}
