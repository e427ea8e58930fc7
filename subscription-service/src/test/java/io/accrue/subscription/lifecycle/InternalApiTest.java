package io.accrue.subscription.lifecycle;

import static io.accrue.subscription.Api.as;
import static io.accrue.subscription.Api.operator;
import static io.accrue.subscription.Api.provision;
import static io.accrue.subscription.Api.service;
import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.hasSize;
import static org.hamcrest.Matchers.notNullValue;
import static org.hamcrest.Matchers.nullValue;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;

import io.accrue.common.security.Roles;
import io.accrue.testing.TestTokens;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;

/** The calls usage-service and invoice-service rely on (docs/internal-apis.md). */
@QuarkusTest
class InternalApiTest {

    @Test
    void provisioningStartsTheFreePlanForTheCalendarMonthInTheAccountsZone() {
        String org = provision("int", "EUR", "Europe/Paris");
        service().when().get("/v1/accounts/{org}/subscription", org)
                .then().statusCode(200)
                .body("status", equalTo("active"))
                .body("currency", equalTo("EUR"))
                .body("cancelAtPeriodEnd", equalTo(false))
                // March 2026 in Paris: CET until the 29th, so the month starts at 23:00 UTC the day before
                .body("currentPeriodStart", equalTo("2026-02-28T23:00:00Z"))
                .body("currentPeriodEnd", equalTo("2026-03-31T22:00:00Z"))
                .body("plan.slug", equalTo("free"))
                .body("plan.version", equalTo(2)) // V8: the free plan priced in every currency
                .body("plan.basePrice.currency", equalTo("EUR"))
                .body("plan.basePrice.amount", equalTo("0.00"))
                .body("plan.allowances.llm_tokens", equalTo(100000));
        service().when().get("/v1/accounts/{org}/subscription/events", org)
                .then().statusCode(200)
                .body("items", hasSize(1))
                .body("items[0].type", equalTo("created"))
                .body("items[0].effectiveAt", equalTo("2026-03-15T10:00:00Z"))
                .body("items[0].planSlug", equalTo("free"))
                .body("items[0].toStatus", equalTo("active"))
                .body("items[0].actor", notNullValue())
                .body("hasMore", equalTo(false));
    }

    @Test
    void accountsListIsACursorPageForServicesAndOperatorsOnly() {
        provision("list", "USD", "UTC");
        provision("list", "USD", "UTC");
        provision("list", "USD", "UTC");
        List<String> seen = new ArrayList<>();
        String cursor = null;
        int pages = 0;
        do {
            var req = service().queryParam("limit", 2);
            if (cursor != null) {
                req = req.queryParam("cursor", cursor);
            }
            JsonPath page = req.when().get("/v1/accounts").then().statusCode(200).extract().jsonPath();
            List<String> ids = page.getList("items.orgId");
            assertTrue(ids.size() <= 2);
            seen.addAll(ids);
            cursor = page.getString("nextCursor");
            assertEquals(cursor != null, page.getBoolean("hasMore"));
            pages++;
        } while (cursor != null && pages < 1000);
        assertEquals(seen.stream().distinct().count(), seen.size(), "no account repeats across pages");
        assertEquals(seen.stream().sorted().toList(), seen);
        assertTrue(seen.size() >= 3);
        operator().when().get("/v1/accounts?limit=1").then().statusCode(200).body("items", hasSize(1));
        as("org-x", Roles.OWNER).when().get("/v1/accounts").then().statusCode(403);
        service().queryParam("cursor", "%%%").when().get("/v1/accounts").then().statusCode(400)
                .body("code", equalTo("invalid_cursor"));
        service().queryParam("limit", 0).when().get("/v1/accounts").then().statusCode(400)
                .body("code", equalTo("invalid_limit"));
    }

    @Test
    void planVersionHasTheContractShape() {
        service().when().get("/v1/plans/pro/versions/1")
                .then().statusCode(200)
                .body("slug", equalTo("pro"))
                .body("version", equalTo(1))
                .body("tier", equalTo("pro"))
                .body("billingModel", equalTo("tiered"))
                .body("interval", equalTo("month"))
                .body("basePrice.amount", equalTo("99.00"))
                .body("basePrice.currency", equalTo("USD"))
                .body("allowances.agent_sessions", equalTo(100))
                .body("overage[0].meter", equalTo("llm_tokens"))
                .body("overage[0].packageSize", equalTo(1000))
                .body("overage[0].tiers[0].upTo", equalTo(10000000))
                .body("overage[0].tiers[0].unitAmount", equalTo("0.003"))
                .body("overage[0].tiers[1].upTo", nullValue())
                .body("entitlements.features", hasItem("sso"))
                .body("stripePriceIds.metered", equalTo("price_pro_metered_tokens"));
        service().queryParam("currency", "EUR").when().get("/v1/plans/pro/versions/1")
                .then().statusCode(200).body("basePrice.amount", equalTo("89.00"));
        service().when().get("/v1/plans/pro/versions/99")
                .then().statusCode(404).body("code", equalTo("plan_not_found"));
    }

    @Test
    void eventsAreFilteredByHalfOpenRangeAndPaged() {
        String org = provision("ev", "USD", "UTC");
        as(org, Roles.OWNER).body("{\"planSlug\":\"pro\"}").when()
                .post("/v1/accounts/{o}/subscription/plan-change", org)
                .then().statusCode(200);
        as(org, Roles.OWNER).body("{\"timing\":\"period_end\"}").when()
                .post("/v1/accounts/{o}/subscription/cancel", org)
                .then().statusCode(200);
        JsonPath first = service().queryParam("limit", 2).when().get("/v1/accounts/{o}/subscription/events", org)
                .then().statusCode(200).body("items", hasSize(2)).body("hasMore", equalTo(true))
                .extract().jsonPath();
        service().queryParam("limit", 2).queryParam("cursor", first.getString("nextCursor"))
                .when().get("/v1/accounts/{o}/subscription/events", org)
                .then().statusCode(200).body("items", hasSize(1)).body("items[0].type", equalTo("cancel_scheduled"))
                .body("hasMore", equalTo(false));
        // [from, to): an event at exactly `to` is excluded
        service().queryParam("from", "2026-03-01T00:00:00Z").queryParam("to", "2026-03-15T10:00:00Z")
                .when().get("/v1/accounts/{o}/subscription/events", org)
                .then().statusCode(200).body("items", hasSize(0));
        service().queryParam("from", "2026-03-15T10:00:00Z").queryParam("to", "2026-04-01T00:00:00Z")
                .when().get("/v1/accounts/{o}/subscription/events", org)
                .then().statusCode(200).body("items", hasSize(3));
    }

    @Test
    void otherOrganisationsSubscriptionIsNotFoundAndMembersCannotReadTheTimeline() {
        String org = provision("sec", "USD", "UTC");
        as("someone-else", Roles.OWNER).when().get("/v1/accounts/{o}/subscription", org)
                .then().statusCode(404);
        as(org, Roles.MEMBER).when().get("/v1/accounts/{o}/subscription/events", org).then().statusCode(403);
        given().when().get("/v1/accounts/{o}/status", org).then().statusCode(401);
        as(org, Roles.USAGE_REPORTER).when().get("/v1/accounts/{o}/status", org).then().statusCode(403);
        assertFalse(org.isEmpty());
        given().header("Authorization", TestTokens.bearer(org, Roles.MEMBER))
                .when().get("/v1/accounts/{o}/subscription", org).then().statusCode(200);
    }
}
