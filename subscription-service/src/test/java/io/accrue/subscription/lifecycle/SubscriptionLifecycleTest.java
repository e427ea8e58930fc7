package io.accrue.subscription.lifecycle;

import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.serverError;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static io.accrue.subscription.Api.as;
import static io.accrue.subscription.Api.operator;
import static io.accrue.subscription.Api.provision;
import static io.accrue.subscription.Api.service;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasSize;
import static org.hamcrest.Matchers.nullValue;

import java.time.Instant;

import jakarta.inject.Inject;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.client.WireMock;

import io.accrue.common.security.Roles;
import io.accrue.common.time.AdjustableClock;
import io.accrue.subscription.StandInsResource;
import io.quarkus.test.junit.QuarkusTest;

@QuarkusTest
class SubscriptionLifecycleTest {

    private static final Instant FROZEN = Instant.parse("2026-03-15T10:00:00Z");

    @Inject
    AdjustableClock clock;

    @Inject
    SubscriptionService subscriptions;

    @AfterEach
    void resetClock() {
        clock.set(FROZEN);
    }

    @Test
    void upgradeNowChargesTheProratedDifferenceAndIsInTheTimeline() {
        String org = provision("up", "USD", "UTC");
        // 15 Mar 10:00 in a 31-day March: 16 days 14 hours remain of 31 days -> 99 * 398/744 = 52.96
        as(org, Roles.BILLING_ADMIN).body("{\"planSlug\":\"pro\"}")
                .when().post("/v1/accounts/{o}/subscription/plan-change", org)
                .then().statusCode(200)
                .body("effective", equalTo("now"))
                .body("proration.amount", equalTo("52.96"))
                .body("proration.currency", equalTo("USD"))
                .body("subscription.plan.slug", equalTo("pro"));
        service().when().get("/v1/accounts/{o}/subscription/events", org).then()
                .body("items[1].type", equalTo("upgraded"))
                .body("items[1].planSlug", equalTo("pro"))
                .body("items[1].planVersion", equalTo(1));
    }

    @Test
    void previewShowsTheProrationOfTheChangeWithoutMakingIt() {
        String org = provision("pre", "USD", "UTC");
        as(org, Roles.BILLING_ADMIN).queryParam("planSlug", "pro")
                .when().get("/v1/accounts/{o}/subscription/plan-change/preview", org)
                .then().statusCode(200)
                .body("fromPlan", equalTo("free")).body("toPlan", equalTo("pro"))
                .body("upgrade", equalTo(true)).body("effective", equalTo("now"))
                .body("proration.amount", equalTo("52.96")) // the same amount the change itself charges (above)
                .body("refusedBecause", nullValue());
        as(org, Roles.BILLING_ADMIN).queryParam("planSlug", "pro").queryParam("timing", "period_end")
                .when().get("/v1/accounts/{o}/subscription/plan-change/preview", org)
                .then().statusCode(200).body("effective", equalTo("2026-04-01T00:00:00Z"))
                .body("proration.amount", equalTo("0"));
        as(org, Roles.OWNER).when().get("/v1/accounts/{o}/subscription", org)
                .then().statusCode(200).body("plan.slug", equalTo("free")).body("pending", nullValue());
        as(org, Roles.BILLING_ADMIN).queryParam("planSlug", "free")
                .when().get("/v1/accounts/{o}/subscription/plan-change/preview", org)
                .then().statusCode(409).body("code", equalTo("plan_unchanged"));
        as(org, Roles.BILLING_ADMIN).queryParam("planSlug", "pro").queryParam("timing", "tomorrow")
                .when().get("/v1/accounts/{o}/subscription/plan-change/preview", org)
                .then().statusCode(422).body("code", equalTo("validation_failed"));
        as(org, Roles.MEMBER).queryParam("planSlug", "pro")
                .when().get("/v1/accounts/{o}/subscription/plan-change/preview", org).then().statusCode(403);
    }

    @Test
    void downgradeDefaultsToPeriodEndAndAppliesWhenThePeriodRolls() {
        String org = provision("down", "USD", "UTC");
        as(org, Roles.OWNER).body("{\"planSlug\":\"pro\"}")
                .when().post("/v1/accounts/{o}/subscription/plan-change", org).then().statusCode(200);
        as(org, Roles.OWNER).body("{\"planSlug\":\"free\"}")
                .when().post("/v1/accounts/{o}/subscription/plan-change", org)
                .then().statusCode(200)
                .body("effective", equalTo("2026-04-01T00:00:00Z"))
                .body("proration.amount", equalTo("0"))
                .body("subscription.plan.slug", equalTo("pro"))
                .body("subscription.pending.planSlug", equalTo("free"));
        clock.set(Instant.parse("2026-04-02T00:00:00Z"));
        subscriptions.rollOver(org);
        as(org, Roles.OWNER).when().get("/v1/accounts/{o}/subscription", org)
                .then().statusCode(200)
                .body("plan.slug", equalTo("free"))
                .body("pending", nullValue())
                .body("currentPeriodStart", equalTo("2026-04-01T00:00:00Z"))
                .body("currentPeriodEnd", equalTo("2026-05-01T00:00:00Z"));
        service().queryParam("from", "2026-04-01T00:00:00Z").when().get("/v1/accounts/{o}/subscription/events", org)
                .then().body("items.type", equalTo(java.util.List.of("plan_changed", "renewed")))
                .body("items[0].effectiveAt", equalTo("2026-04-01T00:00:00Z"))
                .body("items[0].planSlug", equalTo("free"));
    }

    @Test
    void cancelAtPeriodEndThenReactivateKeepsTheSubscription() {
        String org = provision("cxl", "USD", "UTC");
        as(org, Roles.OWNER).body("{\"timing\":\"period_end\"}")
                .when().post("/v1/accounts/{o}/subscription/cancel", org)
                .then().statusCode(200).body("subscription.cancelAtPeriodEnd", equalTo(true));
        as(org, Roles.OWNER).when().post("/v1/accounts/{o}/subscription/reactivate", org)
                .then().statusCode(200).body("cancelAtPeriodEnd", equalTo(false)).body("status", equalTo("active"));
        as(org, Roles.OWNER).when().post("/v1/accounts/{o}/subscription/reactivate", org)
                .then().statusCode(409).body("code", equalTo("subscription_not_canceling"));
    }

    @Test
    void cancelAtPeriodEndTakesEffectAtTheBoundary() {
        String org = provision("cxl2", "USD", "UTC");
        as(org, Roles.OWNER).body("{\"timing\":\"period_end\"}")
                .when().post("/v1/accounts/{o}/subscription/cancel", org).then().statusCode(200);
        clock.set(Instant.parse("2026-04-01T00:00:01Z"));
        as(org, Roles.OWNER).when().get("/v1/accounts/{o}/subscription", org)
                .then().body("status", equalTo("canceled")).body("canceledAt", equalTo("2026-04-01T00:00:00Z"));
    }

    @Test
    void cancelNowCreditsTheRemainderAndReactivationStartsANewPeriod() {
        String org = provision("cxl3", "USD", "UTC");
        as(org, Roles.OWNER).body("{\"planSlug\":\"pro\"}")
                .when().post("/v1/accounts/{o}/subscription/plan-change", org).then().statusCode(200);
        as(org, Roles.OWNER).body("{\"timing\":\"now\",\"reason\":\"too expensive\"}")
                .when().post("/v1/accounts/{o}/subscription/cancel", org)
                .then().statusCode(200)
                .body("proration.amount", equalTo("-52.96"))
                .body("subscription.status", equalTo("canceled"));
        as(org, Roles.OWNER).body("{\"planSlug\":\"free\"}")
                .when().post("/v1/accounts/{o}/subscription/plan-change", org)
                .then().statusCode(409).body("code", equalTo("subscription_canceled"));
        as(org, Roles.OWNER).body("{\"timing\":\"now\"}")
                .when().post("/v1/accounts/{o}/subscription/cancel", org)
                .then().statusCode(409).body("code", equalTo("subscription_canceled"));
        clock.set(Instant.parse("2026-05-10T00:00:00Z"));
        as(org, Roles.OWNER).when().post("/v1/accounts/{o}/subscription/reactivate", org)
                .then().statusCode(200).body("status", equalTo("active"))
                .body("currentPeriodStart", equalTo("2026-05-01T00:00:00Z"));
        service().queryParam("from", "2026-03-15T10:00:00Z").when().get("/v1/accounts/{o}/subscription/events", org)
                .then().body("items.type", equalTo(java.util.List.of("created", "upgraded", "canceled", "reactivated")))
                .body("items[2].reason", equalTo("too expensive"))
                .body("items[2].fromStatus", equalTo("active"))
                .body("items[2].toStatus", equalTo("canceled"));
    }

    @Test
    void currencySwitchWaitsForTheNextPeriod() {
        String org = provision("ccy", "USD", "UTC");
        as(org, Roles.BILLING_ADMIN).body("{\"currency\":\"EUR\"}")
                .when().put("/v1/accounts/{o}/subscription/currency", org)
                .then().statusCode(200).body("currency", equalTo("USD")).body("pending.currency", equalTo("EUR"));
        as(org, Roles.BILLING_ADMIN).body("{\"currency\":\"USD\"}")
                .when().put("/v1/accounts/{o}/subscription/currency", org)
                .then().statusCode(409).body("code", equalTo("currency_unchanged"));
        as(org, Roles.BILLING_ADMIN).body("{\"currency\":\"XYZ\"}")
                .when().put("/v1/accounts/{o}/subscription/currency", org)
                .then().statusCode(422).body("code", equalTo("unknown_currency"));
        // (the free plan is priced in every currency since V8: a switch to a currency a plan lacks is refused
        // 422 plan_not_offered_in_currency, ChangesThatCannotBillTest)
        clock.set(Instant.parse("2026-04-01T00:00:00Z"));
        as(org, Roles.BILLING_ADMIN).when().get("/v1/accounts/{o}/subscription", org)
                .then().body("currency", equalTo("EUR")).body("plan.basePrice.currency", equalTo("EUR"));
    }

    @Test
    void currencySwitchIsRefusedWhileAnInvoiceIsUnsettledOrCannotBeChecked() {
        String org = provision("ccy-open", "USD", "UTC");
        WireMockServer invoices = StandInsResource.server();
        String path = "/v1/orgs/" + org + "/invoices";
        var open = invoices.stubFor(get(urlPathEqualTo(path)).withQueryParam("status", WireMock.equalTo("open"))
                .willReturn(okJson("""
                        {"items":[{"id":"7d1f","number":"ACME-2026-0003","status":"open","currency":"USD"}],
                         "nextCursor":null,"hasMore":false}""")));
        as(org, Roles.BILLING_ADMIN).body("{\"currency\":\"EUR\"}")
                .when().put("/v1/accounts/{o}/subscription/currency", org)
                .then().statusCode(409).body("code", equalTo("open_invoice"))
                .body("detail", containsString("ACME-2026-0003"));
        invoices.removeStub(open);

        var down = invoices.stubFor(get(urlPathEqualTo(path)).willReturn(serverError()));
        as(org, Roles.BILLING_ADMIN).body("{\"currency\":\"EUR\"}")
                .when().put("/v1/accounts/{o}/subscription/currency", org)
                .then().statusCode(503).body("code", equalTo("invoice_service_unavailable"));
        invoices.removeStub(down);

        // nothing of the refused requests was kept: no pending currency, no timeline entry
        as(org, Roles.BILLING_ADMIN).when().get("/v1/accounts/{o}/subscription", org)
                .then().body("currency", equalTo("USD")).body("pending", nullValue());
        service().queryParam("from", "2026-03-01T00:00:00Z").when().get("/v1/accounts/{o}/subscription/events", org)
                .then().body("items.type", equalTo(java.util.List.of("created")));
        // settled: the switch goes through
        as(org, Roles.BILLING_ADMIN).body("{\"currency\":\"EUR\"}")
                .when().put("/v1/accounts/{o}/subscription/currency", org)
                .then().statusCode(200).body("pending.currency", equalTo("EUR"));
    }

    @Test
    void meteredSwitchNeedsTheOperatorFlagAndAMeteredPrice() {
        String org = provision("met", "USD", "UTC");
        as(org, Roles.OWNER).body("{\"billingMode\":\"metered\"}")
                .when().put("/v1/accounts/{o}/subscription/billing-mode", org)
                .then().statusCode(422).body("code", equalTo("metered_not_enabled"));
        as(org, Roles.OWNER).body("{\"meteredEnabled\":true}")
                .when().put("/v1/accounts/{o}/feature-flags", org).then().statusCode(403);
        operator().body("{\"meteredEnabled\":true}")
                .when().put("/v1/accounts/{o}/feature-flags", org).then().statusCode(200)
                .body("meteredEnabled", equalTo(true));
        // the free plan has no metered price
        as(org, Roles.OWNER).body("{\"billingMode\":\"metered\"}")
                .when().put("/v1/accounts/{o}/subscription/billing-mode", org)
                .then().statusCode(422).body("code", equalTo("metered_price_missing"));
        as(org, Roles.OWNER).body("{\"planSlug\":\"pro\"}")
                .when().post("/v1/accounts/{o}/subscription/plan-change", org).then().statusCode(200);
        as(org, Roles.OWNER).body("{\"billingMode\":\"metered\"}")
                .when().put("/v1/accounts/{o}/subscription/billing-mode", org)
                .then().statusCode(200).body("billingMode", equalTo("metered"));
        as(org, Roles.OWNER).body("{\"billingMode\":\"metered\"}")
                .when().put("/v1/accounts/{o}/subscription/billing-mode", org)
                .then().statusCode(409).body("code", equalTo("billing_mode_unchanged"));
    }

    @Test
    void membersCannotChangeAndInvalidBodiesPersistNothing() {
        String org = provision("perm", "USD", "UTC");
        as(org, Roles.MEMBER).body("{\"planSlug\":\"pro\"}")
                .when().post("/v1/accounts/{o}/subscription/plan-change", org).then().statusCode(403);
        as(org, Roles.OWNER).body("{\"planSlug\":\"pro\",\"timing\":\"tomorrow\"}")
                .when().post("/v1/accounts/{o}/subscription/plan-change", org)
                .then().statusCode(422).body("code", equalTo("validation_failed"));
        as(org, Roles.OWNER).body("{\"planSlug\":\"nope\"}")
                .when().post("/v1/accounts/{o}/subscription/plan-change", org)
                .then().statusCode(404).body("code", equalTo("plan_not_found"));
        as(org, Roles.OWNER).body("{\"planSlug\":\"free\"}")
                .when().post("/v1/accounts/{o}/subscription/plan-change", org)
                .then().statusCode(409).body("code", equalTo("plan_unchanged"));
        service().when().get("/v1/accounts/{o}/subscription/events", org).then().body("items", hasSize(1));
        as(org, Roles.OWNER).when().get("/v1/accounts/{o}/subscription", org).then().body("plan.slug", equalTo("free"));
    }
}
