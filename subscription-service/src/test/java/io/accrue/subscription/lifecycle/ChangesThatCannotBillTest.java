package io.accrue.subscription.lifecycle;

import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.serverError;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static io.accrue.subscription.Api.as;
import static io.accrue.subscription.Api.operator;
import static io.accrue.subscription.Api.provision;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.nullValue;

import java.util.UUID;

import org.junit.jupiter.api.Test;

import com.github.tomakehurst.wiremock.WireMockServer;

import io.accrue.common.security.Roles;
import io.accrue.subscription.StandInsResource;
import io.quarkus.test.junit.QuarkusTest;

/**
 * A plan change or currency switch that invoice-service could not bill is refused when it is made (billing-rules
 * "Currencies"): a cost-plus plan in a currency without a recorded exchange rate from the usage cost's USD, or a
 * plan without a price in the currency scheduled for the next period.
 */
@QuarkusTest
class ChangesThatCannotBillTest {

    private static String costPlusPlan(String... currencies) {
        String slug = "ppt-" + UUID.randomUUID().toString().substring(0, 8);
        StringBuilder prices = new StringBuilder();
        for (String c : currencies) {
            prices.append(prices.isEmpty() ? "" : ",").append("\"").append(c).append("\":\"0.00\"");
        }
        operator().body("""
                {"slug":"%s","name":"Pay per token","tier":"starter","billingModel":"pay_per_token","interval":"month",
                 "basePrices":{%s},"allowances":{},"overage":[],"entitlements":{"features":[],"allowedModels":[]},
                 "stripePriceIds":{}}""".formatted(slug, prices)).when().post("/v1/plans").then().statusCode(201);
        return slug;
    }

    private static WireMockServer invoiceService() {
        return StandInsResource.server();
    }

    @Test
    void aCostPlusPlanNeedsARecordedRateFromUsdIntoTheAccountCurrency() {
        String plan = costPlusPlan("USD", "GBP");
        String org = provision("fx-plan", "GBP", "UTC");
        // invoice-service has no USD→GBP rate (404): the change is refused now, not at the close
        as(org, Roles.BILLING_ADMIN).body("{\"planSlug\":\"" + plan + "\",\"timing\":\"now\"}")
                .when().post("/v1/accounts/{o}/subscription/plan-change", org)
                .then().statusCode(409).contentType("application/problem+json")
                .body("code", equalTo("exchange_rate_missing"));
        // invoice-service cannot answer: fail closed
        var down = invoiceService().stubFor(get(urlPathEqualTo("/v1/exchange-rates/USD/GBP/effective"))
                .willReturn(serverError()));
        as(org, Roles.BILLING_ADMIN).body("{\"planSlug\":\"" + plan + "\",\"timing\":\"now\"}")
                .when().post("/v1/accounts/{o}/subscription/plan-change", org)
                .then().statusCode(503).body("code", equalTo("invoice_service_unavailable"));
        invoiceService().removeStub(down);
        as(org, Roles.OWNER).when().get("/v1/accounts/{o}/subscription", org)
                .then().body("plan.slug", equalTo("free")).body("pending", nullValue());
        // once an operator recorded one, the same change goes through
        var rate = invoiceService().stubFor(get(urlPathEqualTo("/v1/exchange-rates/USD/GBP/effective"))
                .willReturn(okJson("{\"from\":\"USD\",\"to\":\"GBP\",\"rate\":\"10.5\",\"rateDate\":\"2026-03-13\"}")));
        try {
            as(org, Roles.BILLING_ADMIN).body("{\"planSlug\":\"" + plan + "\",\"timing\":\"now\"}")
                    .when().post("/v1/accounts/{o}/subscription/plan-change", org)
                    .then().statusCode(200).body("subscription.plan.slug", equalTo(plan));
        } finally {
            invoiceService().removeStub(rate);
        }
    }

    @Test
    void aCountBasedPlanNeverNeedsARate() {
        String org = provision("fx-tiered", "EUR", "UTC");
        as(org, Roles.BILLING_ADMIN).body("{\"planSlug\":\"pro\"}")
                .when().post("/v1/accounts/{o}/subscription/plan-change", org)
                .then().statusCode(200).body("subscription.plan.slug", equalTo("pro"));
    }

    @Test
    void aCurrencySwitchOfACostPlusSubscriptionNeedsARateIntoTheNewCurrency() {
        String plan = costPlusPlan("USD", "EUR");
        String org = provision("fx-switch", "USD", "UTC");
        as(org, Roles.BILLING_ADMIN).body("{\"planSlug\":\"" + plan + "\",\"timing\":\"now\"}")
                .when().post("/v1/accounts/{o}/subscription/plan-change", org).then().statusCode(200);
        as(org, Roles.BILLING_ADMIN).body("{\"currency\":\"EUR\"}")
                .when().put("/v1/accounts/{o}/subscription/currency", org)
                .then().statusCode(409).body("code", equalTo("exchange_rate_missing"));
        as(org, Roles.OWNER).when().get("/v1/accounts/{o}/subscription", org).then().body("pending", nullValue());
    }

    @Test
    void aSwitchAwayFromAPlanChargingOverageNeedsARateFromTheOldCurrencyIntoTheNew() {
        // count-based, in EUR and GBP, with overage: late usage of the last EUR period is priced in EUR and then
        // converts into GBP at that period's rate (billing-rules "Invoices" rule 7), so EUR → GBP must exist
        String plan = "tier-" + UUID.randomUUID().toString().substring(0, 8);
        operator().body("""
                {"slug":"%s","name":"Tiered","tier":"pro","billingModel":"tiered","interval":"month",
                 "basePrices":{"EUR":"49.00","GBP":"42.00"},"allowances":{"llm_tokens":1000000},
                 "overage":[{"meter":"llm_tokens","packageSize":1000,"tiers":[{"upTo":null,"unitAmount":"0.003"}]}],
                 "entitlements":{"features":[],"allowedModels":[]},"stripePriceIds":{}}""".formatted(plan))
                .when().post("/v1/plans").then().statusCode(201);
        String org = provision("fx-late", "EUR", "UTC");
        as(org, Roles.BILLING_ADMIN).body("{\"planSlug\":\"" + plan + "\",\"timing\":\"now\"}")
                .when().post("/v1/accounts/{o}/subscription/plan-change", org).then().statusCode(200);

        // no EUR → GBP rate (404): refused at change time, not discovered when late usage is billed
        as(org, Roles.BILLING_ADMIN).body("{\"currency\":\"GBP\"}")
                .when().put("/v1/accounts/{o}/subscription/currency", org)
                .then().statusCode(409).contentType("application/problem+json")
                .body("code", equalTo("exchange_rate_missing"))
                .body("detail", containsString("EUR to GBP"));
        var down = invoiceService().stubFor(get(urlPathEqualTo("/v1/exchange-rates/EUR/GBP/effective"))
                .willReturn(serverError()));
        as(org, Roles.BILLING_ADMIN).body("{\"currency\":\"GBP\"}")
                .when().put("/v1/accounts/{o}/subscription/currency", org)
                .then().statusCode(503).body("code", equalTo("invoice_service_unavailable"));
        invoiceService().removeStub(down);
        as(org, Roles.OWNER).when().get("/v1/accounts/{o}/subscription", org).then().body("pending", nullValue())
                .body("currency", equalTo("EUR"));

        var rate = invoiceService().stubFor(get(urlPathEqualTo("/v1/exchange-rates/EUR/GBP/effective"))
                .willReturn(okJson("{\"from\":\"EUR\",\"to\":\"GBP\",\"rate\":\"0.85\",\"rateDate\":\"2026-03-13\"}")));
        try {
            as(org, Roles.BILLING_ADMIN).body("{\"currency\":\"GBP\"}")
                    .when().put("/v1/accounts/{o}/subscription/currency", org)
                    .then().statusCode(200).body("pending.currency", equalTo("GBP"));
        } finally {
            invoiceService().removeStub(rate);
        }
    }

    @Test
    void aSwitchFromAPlanThatChargesNoUsageNeedsNoRate() {
        // free: no overage, not cost-plus; nothing of its period can be billed late
        String org = provision("fx-free", "EUR", "UTC");
        as(org, Roles.BILLING_ADMIN).body("{\"currency\":\"GBP\"}")
                .when().put("/v1/accounts/{o}/subscription/currency", org)
                .then().statusCode(200).body("pending.currency", equalTo("GBP"));
    }

    @Test
    void aPlanChangeMustAlsoBillInTheCurrencyScheduledForTheNextPeriod() {
        String usdOnly = costPlusPlan("USD");
        String org = provision("fx-pending", "USD", "UTC");
        as(org, Roles.BILLING_ADMIN).body("{\"currency\":\"EUR\"}")
                .when().put("/v1/accounts/{o}/subscription/currency", org)
                .then().statusCode(200).body("pending.currency", equalTo("EUR"));
        // the plan has a USD price (this period) but none in EUR (from the next one): it could not bill then
        as(org, Roles.BILLING_ADMIN).body("{\"planSlug\":\"" + usdOnly + "\",\"timing\":\"now\"}")
                .when().post("/v1/accounts/{o}/subscription/plan-change", org)
                .then().statusCode(422).body("code", equalTo("plan_not_offered_in_currency"));
        as(org, Roles.OWNER).when().get("/v1/accounts/{o}/subscription", org).then().body("plan.slug",
                equalTo("free"));
    }
}
