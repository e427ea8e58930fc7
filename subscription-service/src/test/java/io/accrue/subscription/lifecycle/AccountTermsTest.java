package io.accrue.subscription.lifecycle;

import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static io.accrue.subscription.Api.as;
import static io.accrue.subscription.Api.operator;
import static io.accrue.subscription.Api.provision;
import static io.accrue.subscription.Api.service;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.nullValue;

import java.time.Instant;
import java.util.List;

import jakarta.inject.Inject;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import com.github.tomakehurst.wiremock.stubbing.StubMapping;

import io.accrue.common.security.Roles;
import io.accrue.common.time.AdjustableClock;
import io.accrue.subscription.StandInsResource;
import io.accrue.subscription.dunning.DunningService;
import io.quarkus.narayana.jta.QuarkusTransaction;

/**
 * Issue 13, 6a and 8: the account view shows the terms the organisation bills by as they are (one source: the
 * subscription), and a status change recorded late carries the plan and currency of its effective instant.
 */
@io.quarkus.test.junit.QuarkusTest
class AccountTermsTest {

    private static final Instant FROZEN = Instant.parse("2026-03-15T10:00:00Z");

    @Inject
    AdjustableClock clock;

    @Inject
    DunningService dunning;

    /** The switches below leave Pro (which charges overage) for EUR: its late usage needs a USD → EUR rate. */
    private StubMapping usdToEur;

    @BeforeEach
    void recordRate() {
        usdToEur = StandInsResource.server().stubFor(get(urlPathEqualTo("/v1/exchange-rates/USD/EUR/effective"))
                .willReturn(okJson("{\"from\":\"USD\",\"to\":\"EUR\",\"rate\":\"0.92\",\"rateDate\":\"2026-03-13\"}")));
    }

    @AfterEach
    void removeRate() {
        StandInsResource.server().removeStub(usdToEur);
    }

    @AfterEach
    void resetClock() {
        clock.set(FROZEN);
    }

    @Test
    void accountViewFollowsPlanChangesAndACurrencySwitchAtTheBoundary() {
        String org = provision("terms", "USD", "UTC");
        as(org, Roles.MEMBER).when().get("/v1/accounts/{o}", org).then().statusCode(200)
                .body("planSlug", equalTo("free")).body("currency", equalTo("USD")).body("status", equalTo("active"));

        as(org, Roles.OWNER).body("{\"planSlug\":\"pro\"}")
                .when().post("/v1/accounts/{o}/subscription/plan-change", org).then().statusCode(200);
        as(org, Roles.BILLING_ADMIN).body("{\"currency\":\"EUR\"}")
                .when().put("/v1/accounts/{o}/subscription/currency", org).then().statusCode(200);
        as(org, Roles.OWNER).body("{\"planSlug\":\"free\",\"timing\":\"period_end\"}")
                .when().post("/v1/accounts/{o}/subscription/plan-change", org).then().statusCode(200);
        // upgraded now; the switch and the downgrade wait for the boundary
        as(org, Roles.MEMBER).when().get("/v1/accounts/{o}", org).then().statusCode(200)
                .body("planSlug", equalTo("pro")).body("planVersion", equalTo(1)).body("currency", equalTo("USD"));

        // past the boundary, before anything rolled the subscription over: already shown as it is
        clock.set(Instant.parse("2026-04-01T00:00:00Z"));
        as(org, Roles.MEMBER).when().get("/v1/accounts/{o}", org).then().statusCode(200)
                .body("planSlug", equalTo("free")).body("currency", equalTo("EUR"));
        operator().queryParam("limit", 200).when().get("/v1/accounts").then().statusCode(200)
                .body("items.find { it.orgId == '" + org + "' }.currency", equalTo("EUR"))
                .body("items.find { it.orgId == '" + org + "' }.planSlug", equalTo("free"));

        // the rollover records the same outcome, and the view stays as it was
        as(org, Roles.OWNER).when().get("/v1/accounts/{o}/subscription", org).then().statusCode(200)
                .body("currency", equalTo("EUR")).body("plan.slug", equalTo("free")).body("pending", nullValue());
        as(org, Roles.MEMBER).when().get("/v1/accounts/{o}", org).then().statusCode(200)
                .body("planSlug", equalTo("free")).body("currency", equalTo("EUR")).body("status", equalTo("active"));

        // a cancellation at period end shows at the next boundary
        as(org, Roles.OWNER).body("{\"timing\":\"period_end\"}")
                .when().post("/v1/accounts/{o}/subscription/cancel", org).then().statusCode(200);
        as(org, Roles.MEMBER).when().get("/v1/accounts/{o}", org).then().body("status", equalTo("active"));
        clock.set(Instant.parse("2026-05-01T00:00:00Z"));
        as(org, Roles.MEMBER).when().get("/v1/accounts/{o}", org).then().body("status", equalTo("canceled"));
    }

    @Test
    void aDunningStepCaughtUpLateCarriesThePlanAndCurrencyOfItsEffectiveInstant() {
        String org = provision("late", "USD", "UTC");
        as(org, Roles.OWNER).body("{\"planSlug\":\"pro\"}")
                .when().post("/v1/accounts/{o}/subscription/plan-change", org).then().statusCode(200);
        as(org, Roles.BILLING_ADMIN).body("{\"currency\":\"EUR\"}")
                .when().put("/v1/accounts/{o}/subscription/currency", org).then().statusCode(200);
        as(org, Roles.OWNER).body("{\"planSlug\":\"free\",\"timing\":\"period_end\"}")
                .when().post("/v1/accounts/{o}/subscription/plan-change", org).then().statusCode(200);

        clock.set(Instant.parse("2026-03-25T00:00:00Z"));
        QuarkusTransaction.requiringNew().run(() -> dunning.paymentFailed(org, clock.instant(), "card declined"));
        // the dunning job was down over the boundary: grace was due on 03-28 (3 days past due), but the rollover to
        // free / EUR on 04-01 is recorded first, and the grace step only when the job catches up on 04-05
        clock.set(Instant.parse("2026-04-05T00:00:00Z"));
        as(org, Roles.OWNER).when().get("/v1/accounts/{o}/subscription", org).then().body("plan.slug", equalTo("free"));
        dunning.advance(org);

        service().queryParam("from", "2026-03-25T00:00:00Z").when().get("/v1/accounts/{o}/subscription/events", org)
                .then().statusCode(200)
                .body("items.type", equalTo(List.of("status_changed", "status_changed", "plan_changed",
                        "currency_changed", "renewed", "status_changed")))
                .body("items[1].toStatus", equalTo("grace"))
                .body("items[1].effectiveAt", equalTo("2026-03-28T00:00:00Z"))
                .body("items[1].planSlug", equalTo("pro"))
                .body("items[1].currency", equalTo("USD"))
                .body("items[5].toStatus", equalTo("suspended"))
                .body("items[5].effectiveAt", equalTo("2026-04-04T00:00:00Z"))
                .body("items[5].planSlug", equalTo("free"))
                .body("items[5].currency", equalTo("EUR"));
    }
}
