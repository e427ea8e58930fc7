package io.accrue.subscription.payment;

import static com.github.tomakehurst.wiremock.client.WireMock.containing;
import static com.github.tomakehurst.wiremock.client.WireMock.matching;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static io.accrue.subscription.Api.as;
import static io.accrue.subscription.Api.operator;
import static io.accrue.subscription.Api.provision;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.startsWith;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;

import org.junit.jupiter.api.Test;

import com.github.tomakehurst.wiremock.client.WireMock;
import com.github.tomakehurst.wiremock.verification.LoggedRequest;

import io.accrue.common.security.Roles;
import io.accrue.subscription.StandInsResource;
import io.quarkus.test.junit.QuarkusTest;

@QuarkusTest
class PaymentResourceTest {

    private static final String CHECKOUT = """
            {"priceId":"price_pro_base_monthly","successUrl":"https://app.example/ok","cancelUrl":"https://app.example/no"}""";

    @Test
    void provisioningIsIdempotentAndCreatesOneCustomerWithAKeyFromTheOrganisation() {
        String org = provision("cus", "USD", "UTC");
        String body = """
                {"orgId":"%s","name":"Acme AI","currency":"USD","timeZone":"UTC"}""".formatted(org);
        String first = as(org, Roles.OWNER).when().get("/v1/accounts/{o}", org).then().extract()
                .path("stripeCustomerId");
        operator().body(body).when().post("/v1/accounts").then().statusCode(200)
                .body("stripeCustomerId", equalTo(first));
        List<LoggedRequest> calls = StandInsResource.server().findAll(postRequestedFor(urlEqualTo("/v1/customers"))
                .withRequestBody(containing(org)));
        assertEquals(1, calls.size(), "the customer exists, so the retry did not call Stripe");
        assertEquals("accrue-customer-" + org, calls.get(0).getHeader("Idempotency-Key"));
    }

    @Test
    void checkoutReturnsTheStripeUrlAndUsesADeterministicKey() {
        String org = provision("co", "USD", "UTC");
        StandInsResource.server().stubFor(post("/v1/checkout/sessions").willReturn(okJson("""
                {"id":"cs_test_a1","object":"checkout.session","mode":"subscription","status":"open",
                 "url":"https://checkout.stripe.com/c/pay/cs_test_a1","customer":"cus_x","livemode":false}""")));
        as(org, Roles.BILLING_ADMIN).body(CHECKOUT).when().post("/v1/accounts/{o}/checkout-sessions", org)
                .then().statusCode(200).body("url", equalTo("https://checkout.stripe.com/c/pay/cs_test_a1"));
        as(org, Roles.BILLING_ADMIN).body(CHECKOUT).when().post("/v1/accounts/{o}/checkout-sessions", org)
                .then().statusCode(200);
        List<LoggedRequest> calls = StandInsResource.server()
                .findAll(postRequestedFor(urlEqualTo("/v1/checkout/sessions"))
                        .withRequestBody(containing("price_pro_base_monthly")).withHeader("Idempotency-Key",
                                matching("accrue-checkout-" + org + "-.*")));
        assertEquals(2, calls.size());
        assertEquals(calls.get(0).getHeader("Idempotency-Key"), calls.get(1).getHeader("Idempotency-Key"),
                "a retried checkout reuses the key, so Stripe answers with the same session");
        as(org, Roles.MEMBER).body(CHECKOUT).when().post("/v1/accounts/{o}/checkout-sessions", org)
                .then().statusCode(403);
        as(org, Roles.OWNER).body("{\"priceId\":\"nope\",\"successUrl\":\"x\",\"cancelUrl\":\"y\"}")
                .when().post("/v1/accounts/{o}/checkout-sessions", org)
                .then().statusCode(422).body("code", equalTo("validation_failed"));
    }

    @Test
    void stripeErrorsBecomeProblems() {
        String org = provision("err", "USD", "UTC");
        StandInsResource.server().stubFor(post("/v1/checkout/sessions")
                .withRequestBody(containing("price_missing")).willReturn(WireMock.aResponse().withStatus(400)
                        .withHeader("Content-Type", "application/json").withBody(
                                """
                                        {"error":{"code":"resource_missing","doc_url":"https://stripe.com/docs/error-codes/resource-missing",
                                         "message":"No such price: 'price_missing'","param":"line_items[0][price]","type":"invalid_request_error"}}""")));
        as(org, Roles.OWNER).body(CHECKOUT.replace("price_pro_base_monthly", "price_missing"))
                .when().post("/v1/accounts/{o}/checkout-sessions", org)
                .then().statusCode(422).body("code", equalTo("stripe_rejected"))
                .body("stripeCode", equalTo("resource_missing"));
    }

    @Test
    void aSlowStripeAnswersStripeUnavailableWithinFiveSeconds() {
        String org = provision("slow", "USD", "UTC");
        var slow = WireMock.aResponse().withStatus(200).withHeader("Content-Type", "application/json")
                .withBody("{}").withFixedDelay(20_000);
        List<com.github.tomakehurst.wiremock.stubbing.StubMapping> stubs = List.of(
                StandInsResource.server().stubFor(post("/v1/checkout/sessions").atPriority(1).willReturn(slow)),
                StandInsResource.server().stubFor(post("/v1/billing_portal/sessions").atPriority(1).willReturn(slow)),
                StandInsResource.server().stubFor(post("/v1/setup_intents").atPriority(1).willReturn(slow)));
        try {
            for (var call : List.<java.util.function.Supplier<io.restassured.response.Response>>of(
                    () -> as(org, Roles.OWNER).body(CHECKOUT).when().post("/v1/accounts/{o}/checkout-sessions", org),
                    () -> as(org, Roles.OWNER).body("{\"returnUrl\":\"https://app.example/billing\"}").when()
                            .post("/v1/accounts/{o}/portal-sessions", org),
                    () -> as(org, Roles.OWNER).when().post("/v1/accounts/{o}/setup-intents", org))) {
                long started = System.nanoTime();
                call.get().then().statusCode(502).contentType("application/problem+json")
                        .body("code", equalTo("stripe_unavailable"));
                long millis = (System.nanoTime() - started) / 1_000_000;
                assertTrue(millis < 5_000, "answered after " + millis + " ms");
            }
        } finally {
            stubs.forEach(StandInsResource.server()::removeStub);
        }
    }

    @Test
    void portalAndSetupIntentReturnOnlyWhatTheBrowserNeeds() {
        String org = provision("pt", "USD", "UTC");
        StandInsResource.server().stubFor(post("/v1/billing_portal/sessions").willReturn(okJson("""
                {"id":"bps_1","object":"billing_portal.session","customer":"cus_x","livemode":false,
                 "return_url":"https://app.example/billing","url":"https://billing.stripe.com/p/session/test_1"}""")));
        StandInsResource.server().stubFor(post("/v1/setup_intents").willReturn(okJson("""
                {"id":"seti_1","object":"setup_intent","client_secret":"seti_1_secret_abc","customer":"cus_x",
                 "status":"requires_payment_method","usage":"off_session","livemode":false}""")));
        as(org, Roles.OWNER).body("{\"returnUrl\":\"https://app.example/billing\"}")
                .when().post("/v1/accounts/{o}/portal-sessions", org)
                .then().statusCode(200).body("url", startsWith("https://billing.stripe.com/"));
        as(org, Roles.BILLING_ADMIN).when().post("/v1/accounts/{o}/setup-intents", org)
                .then().statusCode(200).body("id", equalTo("seti_1"))
                .body("clientSecret", equalTo("seti_1_secret_abc"));
        StandInsResource.server().verify(postRequestedFor(urlEqualTo("/v1/setup_intents"))
                .withRequestBody(containing("usage=off_session"))
                .withHeader("Idempotency-Key", matching("accrue-setup-" + org + "-\\d+")));
    }
}
