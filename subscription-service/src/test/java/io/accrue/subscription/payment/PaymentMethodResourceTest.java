package io.accrue.subscription.payment;

import static com.github.tomakehurst.wiremock.client.WireMock.containing;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static io.accrue.subscription.Api.as;
import static io.accrue.subscription.Api.provision;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItems;
import static org.hamcrest.Matchers.hasSize;
import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

import com.github.tomakehurst.wiremock.WireMockServer;

import io.accrue.common.security.Roles;
import io.accrue.subscription.StandInsResource;
import io.quarkus.test.junit.QuarkusTest;

@QuarkusTest
class PaymentMethodResourceTest {

    private static String card(String id, String customer, String last4) {
        return """
                {"id":"%s","object":"payment_method","type":"card","customer":"%s","livemode":false,"created":1773568800,
                 "card":{"brand":"visa","last4":"%s","exp_month":12,"exp_year":2030,"funding":"credit","country":"US"}}"""
                .formatted(id, customer, last4);
    }

    @Test
    void listSetDefaultAndRemoveOnlyOwnCards() {
        String org = provision("pm", "USD", "UTC");
        String customer = as(org, Roles.OWNER).when().get("/v1/accounts/{o}", org).then().extract()
                .path("stripeCustomerId");
        WireMockServer s = StandInsResource.server();
        s.stubFor(get("/v1/customers/" + customer).willReturn(
                okJson("""
                        {"id":"%s","object":"customer","livemode":false,"invoice_settings":{"default_payment_method":"pm_a%s"}}"""
                        .formatted(customer, customer))));
        s.stubFor(get(urlPathEqualTo("/v1/payment_methods")).withQueryParam("customer",
                com.github.tomakehurst.wiremock.client.WireMock.equalTo(customer)).willReturn(
                        okJson("""
                                {"object":"list","url":"/v1/payment_methods","has_more":false,"data":[%s,%s]}"""
                                .formatted(card("pm_a" + customer, customer, "4242"),
                                        card("pm_b" + customer, customer, "1881")))));
        s.stubFor(get("/v1/payment_methods/pm_b" + customer)
                .willReturn(okJson(card("pm_b" + customer, customer, "1881"))));
        s.stubFor(get("/v1/payment_methods/pm_foreign")
                .willReturn(okJson(card("pm_foreign", "cus_someone_else", "0005"))));
        s.stubFor(post("/v1/customers/" + customer).willReturn(
                okJson("""
                        {"id":"%s","object":"customer","livemode":false,"invoice_settings":{"default_payment_method":"pm_b%s"}}"""
                        .formatted(customer, customer))));
        s.stubFor(post("/v1/payment_methods/pm_b" + customer + "/detach")
                .willReturn(okJson(card("pm_b" + customer, customer, "1881")
                        .replace("\"customer\":\"" + customer + "\"", "\"customer\":null"))));

        as(org, Roles.BILLING_ADMIN).when().get("/v1/accounts/{o}/payment-methods", org).then().statusCode(200)
                .body("", hasSize(2)).body("[0].last4", equalTo("4242")).body("[0].isDefault", equalTo(true))
                .body("[1].isDefault", equalTo(false));
        as(org, Roles.MEMBER).when().get("/v1/accounts/{o}/payment-methods", org).then().statusCode(403);
        as(org, Roles.OWNER).header("Idempotency-Key", "k1").when()
                .put("/v1/accounts/{o}/payment-methods/{pm}/default", org, "pm_b" + customer).then().statusCode(200);
        s.verify(postRequestedFor(urlEqualTo("/v1/customers/" + customer))
                .withRequestBody(containing("invoice_settings[default_payment_method]=pm_b" + customer))
                .withHeader("Idempotency-Key", com.github.tomakehurst.wiremock.client.WireMock.equalTo(
                        "accrue-default-" + customer + "-k1")));
        // back to A and again to B without client keys: every change reaches Stripe under its own key
        s.stubFor(get("/v1/payment_methods/pm_a" + customer)
                .willReturn(okJson(card("pm_a" + customer, customer, "4242"))));
        as(org, Roles.OWNER).when().put("/v1/accounts/{o}/payment-methods/{pm}/default", org, "pm_a" + customer)
                .then().statusCode(200);
        as(org, Roles.OWNER).when().put("/v1/accounts/{o}/payment-methods/{pm}/default", org, "pm_b" + customer)
                .then().statusCode(200);
        var keys = s.findAll(postRequestedFor(urlEqualTo("/v1/customers/" + customer))).stream()
                .map(r -> r.getHeader("Idempotency-Key")).distinct().count();
        assertEquals(3, keys, "three default changes, three distinct keys");
        s.verify(postRequestedFor(urlEqualTo("/v1/customers/" + customer))
                .withHeader("Idempotency-Key", com.github.tomakehurst.wiremock.client.WireMock.equalTo(
                        "accrue-default-" + customer + "-pm_a" + customer + "-1")));
        as(org, Roles.OWNER).when().delete("/v1/accounts/{o}/payment-methods/{pm}", org, "pm_foreign")
                .then().statusCode(404).body("code", equalTo("payment_method_not_found"));
        s.verify(0, postRequestedFor(urlEqualTo("/v1/payment_methods/pm_foreign/detach")));
        as(org, Roles.OWNER).when().delete("/v1/accounts/{o}/payment-methods/{pm}", org, "pm_b" + customer)
                .then().statusCode(204);
        s.verify(postRequestedFor(urlEqualTo("/v1/payment_methods/pm_b" + customer + "/detach")));
        as(org, Roles.OWNER).when().get("/v1/accounts/{o}/audit", org).then()
                .body("items.action", hasItems("payment_method.default_set", "payment_method.removed"));
    }
}
