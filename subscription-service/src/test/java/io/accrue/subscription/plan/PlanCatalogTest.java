package io.accrue.subscription.plan;

import static io.accrue.subscription.Api.as;
import static io.accrue.subscription.Api.operator;
import static io.accrue.subscription.Api.provision;
import static io.accrue.subscription.Api.service;
import static org.hamcrest.Matchers.empty;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;

import java.util.UUID;

import org.junit.jupiter.api.Test;

import io.accrue.common.security.Roles;
import io.quarkus.test.junit.QuarkusTest;

@QuarkusTest
class PlanCatalogTest {

    private static String draft(String slug, String price) {
        return """
                {"slug":%s,"name":"Team","tier":"business","billingModel":"tiered","interval":"month",
                 "basePrices":{"USD":"%s"},"allowances":{"llm_tokens":5000000},
                 "overage":[{"meter":"llm_tokens","packageSize":1000,"tiers":[{"upTo":null,"unitAmount":"0.002"}]}],
                 "entitlements":{"features":["sso"],"allowedModels":[]},"stripePriceIds":{"base":"price_team"}}"""
                .formatted(slug == null ? "null" : "\"" + slug + "\"", price);
    }

    @Test
    void changingAPlanAppendsAVersionAndSubscribersStayOnTheirs() {
        String slug = "team-" + UUID.randomUUID().toString().substring(0, 8);
        operator().body(draft(slug, "199.00")).when().post("/v1/plans")
                .then().statusCode(201).body("version", equalTo(1)).body("basePrice.amount", equalTo("199.00"));
        String org = provision("plan", "USD", "UTC");
        as(org, Roles.OWNER).body("{\"planSlug\":\"" + slug + "\"}")
                .when().post("/v1/accounts/{o}/subscription/plan-change", org).then().statusCode(200);

        operator().body(draft(null, "249.00")).when().put("/v1/plans/{s}", slug)
                .then().statusCode(200).body("version", equalTo(2)).body("basePrice.amount", equalTo("249.00"));
        service().when().get("/v1/plans/{s}/versions/1", slug).then().body("basePrice.amount", equalTo("199.00"));
        as(org, Roles.OWNER).when().get("/v1/accounts/{o}/subscription", org)
                .then().body("plan.version", equalTo(1)).body("plan.basePrice.amount", equalTo("199.00"));
        as(org, Roles.MEMBER).when().get("/v1/plans").then().statusCode(200).body("slug", hasItem(slug));
    }

    @Test
    void onlyOperatorsEditTheCatalogAndBadTiersAreRefused() {
        String slug = "bad-" + UUID.randomUUID().toString().substring(0, 8);
        as("org-x", Roles.OWNER).body(draft(slug, "1.00")).when().post("/v1/plans").then().statusCode(403);
        operator().body(draft(slug, "1.00").replace("\"upTo\":null", "\"upTo\":100"))
                .when().post("/v1/plans").then().statusCode(422).body("code", equalTo("invalid_overage_tiers"));
        operator().body(draft(slug, "1.00").replace("\"USD\"", "\"XYZ\""))
                .when().post("/v1/plans").then().statusCode(422).body("code", equalTo("unknown_currency"));
        operator().body(draft(slug, "-1.00")).when().post("/v1/plans")
                .then().statusCode(422).body("code", equalTo("validation_failed"));
        // accepted means applied: a meter nobody bills, a meter priced twice, an allow-list nobody enforces
        operator().body(draft(slug, "1.00").replace("\"meter\":\"llm_tokens\"", "\"meter\":\"images\""))
                .when().post("/v1/plans").then().statusCode(422).body("code", equalTo("unknown_meter"));
        operator().body(draft(slug, "1.00").replace("{\"llm_tokens\":5000000}", "{\"images\":10}"))
                .when().post("/v1/plans").then().statusCode(422).body("code", equalTo("unknown_meter"));
        String rule = "{\"meter\":\"llm_tokens\",\"packageSize\":1000,\"tiers\":[{\"upTo\":null,\"unitAmount\":\"0.002\"}]}";
        operator().body(draft(slug, "1.00").replace("[" + rule + "]", "[" + rule + "," + rule + "]"))
                .when().post("/v1/plans").then().statusCode(422).body("code", equalTo("duplicate_meter"));
        // entitlements: a limit on a meter nobody counts, one name in two kinds, a name that is not a key
        operator()
                .body(draft(slug, "1.00").replace("\"allowedModels\":[]",
                        "\"allowedModels\":[],\"limits\":{\"images\":5}"))
                .when().post("/v1/plans").then().statusCode(422).contentType("application/problem+json")
                .body("code", equalTo("unknown_meter"));
        operator().body(draft(slug, "1.00").replace("\"allowedModels\":[]",
                "\"allowedModels\":[],\"config\":{\"sso\":\"okta\"}"))
                .when().post("/v1/plans").then().statusCode(422).body("code", equalTo("entitlement_conflict"));
        operator().body(draft(slug, "1.00").replace("[\"sso\"]", "[\"SSO login\"]"))
                .when().post("/v1/plans").then().statusCode(422).body("code", equalTo("validation_failed"));
        operator()
                .body(draft(slug, "1.00").replace("\"allowedModels\":[]",
                        "\"allowedModels\":[],\"limits\":{\"llm_tokens\":-1}"))
                .when().post("/v1/plans").then().statusCode(422).body("code", equalTo("validation_failed"));
        service().when().get("/v1/plans/{s}/versions/1", slug).then().statusCode(404);
        operator().body(draft("free", "0.00")).when().post("/v1/plans")
                .then().statusCode(409).body("code", equalTo("plan_exists"));
    }

    /** The account status (what usage-service caches for quota and entitlement checks) carries the plan's. */
    @Test
    void entitlementsOfThePlanVersionInEffectAreInTheStatus() {
        String slug = "ent-" + UUID.randomUUID().toString().substring(0, 8);
        operator().body(draft(slug, "10.00").replace("\"allowedModels\":[]",
                "\"allowedModels\":[\"gpt-4o\"],\"limits\":{\"llm_tokens\":2000000,\"agent_sessions\":50},"
                        + "\"config\":{\"max-seats\":\"25\"}"))
                .when().post("/v1/plans").then().statusCode(201)
                .body("entitlements.allowedModels", hasItem("gpt-4o"))
                .body("entitlements.limits.llm_tokens", equalTo(2000000));
        String org = provision("ent", "USD", "UTC");
        service().when().get("/v1/accounts/{o}/status", org).then().statusCode(200)
                .body("entitlements.features", empty())
                .body("entitlements.limits.size()", equalTo(0));
        as(org, Roles.OWNER).body("{\"planSlug\":\"" + slug + "\"}")
                .when().post("/v1/accounts/{o}/subscription/plan-change", org).then().statusCode(200);
        service().when().get("/v1/accounts/{o}/status", org).then().statusCode(200)
                .body("entitlements.features", hasItem("sso"))
                .body("entitlements.allowedModels", hasItem("gpt-4o"))
                .body("entitlements.limits.agent_sessions", equalTo(50))
                .body("entitlements.config.max-seats", equalTo("25"));
        // a new version changes what new subscribers get; this subscriber keeps version 1's entitlements
        operator().body(draft(null, "10.00")).when().put("/v1/plans/{s}", slug).then().statusCode(200);
        service().when().get("/v1/accounts/{o}/status", org).then()
                .body("planVersion", equalTo(1)).body("entitlements.allowedModels", hasItem("gpt-4o"));
    }

    @Test
    void archivedPlansTakeNoNewSubscribers() {
        String slug = "old-" + UUID.randomUUID().toString().substring(0, 8);
        operator().body(draft(slug, "5.00")).when().post("/v1/plans").then().statusCode(201);
        operator().body("{\"archived\":true}").when().put("/v1/plans/{s}/archived", slug)
                .then().statusCode(200).body("archived", equalTo(true));
        String org = provision("arch", "USD", "UTC");
        as(org, Roles.OWNER).body("{\"planSlug\":\"" + slug + "\"}")
                .when().post("/v1/accounts/{o}/subscription/plan-change", org)
                .then().statusCode(422).body("code", equalTo("plan_archived"));
    }
}
