package io.accrue.subscription.lifecycle;

import static io.accrue.subscription.Api.as;
import static io.accrue.subscription.Api.operator;
import static io.accrue.subscription.Api.provision;
import static org.hamcrest.Matchers.equalTo;

import java.util.UUID;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import io.accrue.common.security.Roles;
import io.quarkus.test.junit.QuarkusTest;

/**
 * Found by the model check (issue 14, {@code free-plan-currencies}): every account starts on the free plan in the
 * currency it is provisioned in, so the free plan must be priced there, or the account could never change plan
 * ({@code 422 plan_not_offered_in_currency} "Plan 'free' has no price in JPY"). V8 prices it 0 in every ISO-4217
 * currency, at the currency's minor unit.
 */
@QuarkusTest
class FreePlanCurrenciesTest {

    @ParameterizedTest
    @CsvSource({"JPY, 0, 1200", "KWD, 0.000, 3.500", "USD, 0.00, 9.00"})
    void anAccountInAnyCurrencyStartsFreeAndCanMoveToAPlanOfferedInIt(String currency, String zero, String price) {
        String org = provision("free-" + currency.toLowerCase(), currency, "UTC");
        as(org, Roles.OWNER).when().get("/v1/accounts/{o}/subscription", org).then().statusCode(200)
                .body("plan.slug", equalTo("free"))
                .body("plan.basePrice.currency", equalTo(currency))
                .body("plan.basePrice.amount", equalTo(zero));
        String slug = "local-" + UUID.randomUUID().toString().substring(0, 8);
        operator().body("""
                {"slug":"%s","name":"Local","tier":"starter","billingModel":"flat","interval":"month",
                 "basePrices":{"%s":"%s"},"allowances":{},"overage":[],
                 "entitlements":{"features":[],"allowedModels":[]},"stripePriceIds":{}}"""
                .formatted(slug, currency, price)).when().post("/v1/plans").then().statusCode(201);
        as(org, Roles.BILLING_ADMIN).body("{\"planSlug\":\"" + slug + "\",\"timing\":\"now\"}")
                .when().post("/v1/accounts/{o}/subscription/plan-change", org)
                .then().statusCode(200)
                .body("subscription.plan.slug", equalTo(slug))
                .body("proration.currency", equalTo(currency));
    }
}
