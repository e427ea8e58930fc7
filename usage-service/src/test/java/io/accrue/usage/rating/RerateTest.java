package io.accrue.usage.rating;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.contains;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.UUID;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import io.accrue.common.security.Roles;
import io.accrue.testing.TestTokens;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import io.restassured.http.ContentType;
import io.restassured.specification.RequestSpecification;

/** With unknown-model=flag, unpriced usage waits for its price and is then rated once, audited. */
@QuarkusTest
@TestProfile(io.accrue.usage.FlagUnpricedProfile.class)
class RerateTest {

    private String org;

    @BeforeEach
    void freshOrganisation() {
        org = "org-" + UUID.randomUUID();
    }

    @Test
    void anUnknownModelsUsageIsPricedAfterwardsExactlyOnce() {
        String spelling = "later-" + UUID.randomUUID();
        event("u-1", spelling, "{\"inputTokens\":1000,\"outputTokens\":500}", "2026-03-15T09:00:00Z")
                .statusCode(201).body("unpriced", equalTo(true)).body("cost", equalTo("0.000000000000"));
        summary().body("totals.unpricedEvents", equalTo(1));
        operator().body("{\"id\":\"%s\",\"provider\":\"openai\",\"displayName\":\"Later\"}".formatted(spelling))
                .when().post("/v1/pricing/models").then().statusCode(201);
        // An ordinary version cannot start in the past; one for unpriced usage can, and rates only that usage.
        operator().body(version("2026-03-01T00:00:00Z", "2", "8", false))
                .when().post("/v1/pricing/models/{m}/price-versions", spelling).then().statusCode(422)
                .body("code", equalTo("price_version_backdated"));
        operator().body(version("2026-03-01T00:00:00Z", "2", "8", true))
                .when().post("/v1/pricing/models/{m}/price-versions", spelling).then().statusCode(201)
                .body("forUnpricedUsage", equalTo(true));
        rerate(spelling).body("rerated", equalTo(1)).body("cost", equalTo("0.006000000000"));
        summary().body("totals.unpricedEvents", equalTo(0)).body("totals.cost", equalTo("0.006000000000"))
                .body("totals.requests", equalTo(1)).body("totals.inputTokens", equalTo(1000))
                .body("byModel.find { it.model == '%s' }.cost".formatted(spelling), equalTo("0.006000000000"));
        // The events themselves say the same (a window that is not day-aligned reads them).
        summary("2026-03-15T08:00:00Z", "2026-03-15T10:00:00Z").body("totals.unpricedEvents", equalTo(0))
                .body("totals.cost", equalTo("0.006000000000"));
        rerate(spelling).body("rerated", equalTo(0));
        summary().body("totals.cost", equalTo("0.006000000000"));
        operator().when().get("/v1/operator/usage/rerate/runs").then().statusCode(200)
                .body("find { it.modelId == '%s' && it.events == 1 }.reason".formatted(spelling),
                        equalTo("price added for flagged usage"));
        given().header("Authorization", TestTokens.bearer(org, Roles.OWNER)).when()
                .get("/v1/operator/usage/rerate/runs").then().statusCode(403);
    }

    @Test
    void aUnitWithoutAPriceWaitsAndPricedEventsNeverMove() {
        String model = "units-" + UUID.randomUUID();
        operator().body("{\"id\":\"%s\",\"provider\":\"openai\",\"displayName\":\"Units\"}".formatted(model))
                .when().post("/v1/pricing/models").then().statusCode(201);
        operator().body(version("2026-03-15T10:01:00Z", "1", "4", false))
                .when().post("/v1/pricing/models/{m}/price-versions", model).then().statusCode(201);
        event("u-1", model, "{\"inputTokens\":1000,\"outputTokens\":0}", "2026-03-15T10:02:00Z")
                .statusCode(201).body("unpriced", equalTo(false)).body("cost", equalTo("0.001000000000"));
        event("u-1", model, "{\"inputTokens\":1000,\"outputTokens\":0,\"units\":{\"input_second\":10}}",
                "2026-03-15T10:03:00Z").statusCode(201).body("unpriced", equalTo(true));
        summary().body("totals.unpricedEvents", equalTo(1)).body("totals.cost", equalTo("0.001000000000"));
        operator().body("""
                {"effectiveFrom":"2026-03-15T10:01:00Z","currency":"USD","inputPerMillion":"1","outputPerMillion":"4",
                 "unitPrices":{"input_second":"0.0001"},"forUnpricedUsage":true}""")
                .when().post("/v1/pricing/models/{m}/price-versions", model).then().statusCode(409)
                .body("code", equalTo("price_version_exists"));
        operator().body("""
                {"effectiveFrom":"2026-03-15T10:01:30Z","currency":"USD","inputPerMillion":"1","outputPerMillion":"4",
                 "unitPrices":{"input_second":"0.0001"},"forUnpricedUsage":true}""")
                .when().post("/v1/pricing/models/{m}/price-versions", model).then().statusCode(201);
        rerate(model).body("rerated", equalTo(1)).body("cost", equalTo("0.002000000000"));
        // The priced event kept its cost: 0.001 + 0.002; the dimensions moved with it (rollups and events alike).
        summary().body("totals.unpricedEvents", equalTo(0)).body("totals.cost", equalTo("0.003000000000"))
                .body("byModel[0].dimensions.dimension", contains("input", "unit.input_second"))
                .body("byModel[0].dimensions.cost", contains("0.002000000000", "0.001000000000"));
        summary("2026-03-15T10:00:00Z", "2026-03-15T11:00:00Z")
                .body("byModel[0].dimensions.cost", contains("0.002000000000", "0.001000000000"));
        // From now on the same usage is priced at once by that version (it prices what the other cannot).
        event("u-1", model, "{\"inputTokens\":1000,\"outputTokens\":0,\"units\":{\"input_second\":10}}",
                "2026-03-15T10:04:00Z").statusCode(201).body("unpriced", equalTo(false))
                .body("cost", equalTo("0.002000000000"));
    }

    /** Two operators re-rating at once: every event is priced by exactly one of them, and the totals move once. */
    @Test
    void concurrentReratingsPriceEachEventOnce() throws Exception {
        String spelling = "race-" + UUID.randomUUID();
        for (int i = 0; i < 20; i++) {
            event("u-" + (i % 3), spelling, "{\"inputTokens\":1000,\"outputTokens\":0}", "2026-03-15T09:00:00Z")
                    .statusCode(201).body("unpriced", equalTo(true));
        }
        operator().body("{\"id\":\"%s\",\"provider\":\"openai\",\"displayName\":\"Race\"}".formatted(spelling))
                .when().post("/v1/pricing/models").then().statusCode(201);
        operator().body(version("2026-03-01T00:00:00Z", "1", "1", true))
                .when().post("/v1/pricing/models/{m}/price-versions", spelling).then().statusCode(201);
        var pool = java.util.concurrent.Executors.newFixedThreadPool(4);
        try {
            var calls = new java.util.ArrayList<java.util.concurrent.Future<Integer>>();
            for (int i = 0; i < 4; i++) {
                calls.add(pool.submit(() -> rerate(spelling).extract().<Integer>path("rerated")));
            }
            int total = 0;
            for (var f : calls) {
                total += f.get();
            }
            assertEquals(20, total);
        } finally {
            pool.shutdownNow();
        }
        summary().body("totals.unpricedEvents", equalTo(0)).body("totals.requests", equalTo(20))
                .body("totals.cost", equalTo("0.020000000000"));
    }

    private static String version(String from, String in, String out, boolean forUnpriced) {
        return """
                {"effectiveFrom":"%s","currency":"USD","inputPerMillion":"%s","outputPerMillion":"%s","forUnpricedUsage":%s}"""
                .formatted(from, in, out, forUnpriced);
    }

    private io.restassured.response.ValidatableResponse rerate(String model) {
        return operator().body("{\"model\":\"%s\",\"reason\":\"price added for flagged usage\"}".formatted(model))
                .when().post("/v1/operator/usage/rerate").then().statusCode(200);
    }

    private io.restassured.response.ValidatableResponse event(String user, String model, String counts, String at) {
        String body = "{\"eventId\":\"%s\",\"endUserId\":\"%s\",\"model\":\"%s\",\"occurredAt\":\"%s\",%s"
                .formatted(UUID.randomUUID(), user, model, at, counts.substring(1));
        return given()
                .header("Authorization", TestTokens.as(Roles.USAGE_REPORTER).org(org).environment("live").bearer())
                .contentType(ContentType.JSON).body(body).when().post("/v1/usage-events").then();
    }

    private io.restassured.response.ValidatableResponse summary() {
        return summary("2026-03-01T00:00:00Z", "2026-04-01T00:00:00Z");
    }

    private io.restassured.response.ValidatableResponse summary(String from, String to) {
        return given().header("Authorization", TestTokens.bearer(org, Roles.MEMBER))
                .queryParam("environment", "live").queryParam("from", from).queryParam("to", to)
                .when().get("/v1/orgs/{org}/usage/summary", org).then().statusCode(200);
    }

    private static RequestSpecification operator() {
        return given().header("Authorization", TestTokens.as(Roles.PLATFORM_OPERATOR).bearer())
                .contentType(ContentType.JSON);
    }
}
