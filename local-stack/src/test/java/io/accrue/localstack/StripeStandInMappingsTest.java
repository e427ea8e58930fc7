package io.accrue.localstack;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Instant;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.core.WireMockConfiguration;

/** The Stripe stand-in's templated mappings render a Stripe-shaped answer (configured as LocalStack does). */
class StripeStandInMappingsTest {

    private static WireMockServer stripe;
    private static final HttpClient HTTP = HttpClient.newHttpClient();
    private static final ObjectMapper JSON = new ObjectMapper();

    @BeforeAll
    static void start() {
        stripe = new WireMockServer(WireMockConfiguration.options().bindAddress("127.0.0.1").dynamicPort()
                .usingFilesUnderDirectory("stripe").globalTemplating(true));
        stripe.start();
    }

    @AfterAll
    static void stop() {
        stripe.stop();
    }

    @Test
    void aMeterEventIsEchoedAsStripeAnswersIt() throws Exception {
        String identifier = "accrue_acme_accrue_llm_tokens_1773572400";
        HttpResponse<String> response = post("/v2/billing/meter_events", "application/json", identifier, """
                {"event_name":"accrue_llm_tokens","identifier":"%s","payload":{"stripe_customer_id":"cus_1",\
                "value":"1500"},"timestamp":"2026-03-15T10:59:59.000Z"}""".formatted(identifier));
        assertEquals(200, response.statusCode(), response.body());
        JsonNode event = JSON.readTree(response.body());
        assertEquals(identifier, event.path("identifier").asText());
        assertEquals("1500", event.path("payload").path("value").asText());
        Instant.parse(event.path("created").asText()); // an RFC 3339 instant, as stripe-java's v2 parser needs
    }

    @Test
    void anInvoiceIsCreatedWithAnIdFromItsIdempotencyKeyAndFinalised() throws Exception {
        HttpResponse<String> created = post("/v1/invoices", "application/x-www-form-urlencoded",
                "accrue-invoice-0a1b2c3d-0000-0000-0000-000000000000-invoice", "customer=cus_1&currency=usd");
        assertEquals(200, created.statusCode(), created.body());
        assertEquals("in_local_0a1b2c3d", JSON.readTree(created.body()).path("id").asText());
        HttpResponse<String> finalised = post("/v1/invoices/in_local_0a1b2c3d/finalize",
                "application/x-www-form-urlencoded", "accrue-invoice-0a1b2c3d-finalize", "auto_advance=true");
        assertEquals(200, finalised.statusCode(), finalised.body());
        assertEquals("open", JSON.readTree(finalised.body()).path("status").asText());
    }

    @Test
    void anInvoiceOfANewKeyGenerationIsCreatedToo() throws Exception {
        HttpResponse<String> created = post("/v1/invoices", "application/x-www-form-urlencoded",
                "accrue-invoice-0a1b2c3d-0000-0000-0000-000000000000-invoice-g2", "customer=cus_1&currency=usd");
        assertEquals(200, created.statusCode(), created.body());
        assertEquals("in_local_0a1b2c3d", JSON.readTree(created.body()).path("id").asText());
    }

    /** The reads invoice-service makes to recover after a Stripe error, on the platform account. */
    @Test
    void recoveryReadsOnThePlatformAccountAnswerLikeStripe() throws Exception {
        JsonNode invoices = JSON.readTree(get("/v1/invoices?customer=cus_local_1&limit=100", null).body());
        assertEquals("list", invoices.path("object").asText());
        assertEquals(0, invoices.path("data").size());
        JsonNode items = JSON.readTree(get("/v1/invoiceitems?invoice=in_local_0a1b2c3d&limit=100", null).body());
        assertEquals("list", items.path("object").asText());
        HttpResponse<String> invoice = get("/v1/invoices/in_local_0a1b2c3d", null);
        assertEquals(200, invoice.statusCode(), invoice.body());
        assertEquals("in_local_0a1b2c3d", JSON.readTree(invoice.body()).path("id").asText());
        assertEquals("draft", JSON.readTree(invoice.body()).path("status").asText());
    }

    @Test
    void aChargeNamesItsCustomerAndAnUnknownChargeIsStripesResourceMissing() throws Exception {
        HttpResponse<String> charge = get("/v1/charges/ch_local_cus_local_AbC123", null);
        assertEquals(200, charge.statusCode(), charge.body());
        assertEquals("cus_local_AbC123", JSON.readTree(charge.body()).path("customer").asText());
        HttpResponse<String> missing = get("/v1/charges/ch_3Abc", null);
        assertEquals(404, missing.statusCode());
        assertEquals("resource_missing", JSON.readTree(missing.body()).path("error").path("code").asText());
    }

    @Test
    void aRequestNoMappingKnowsIsCaughtByTheNamedCatchAll() throws Exception {
        HttpResponse<String> response = get("/v1/subscriptions/sub_1", null);
        assertEquals(404, response.statusCode());
        assertEquals("default-not-found", stripe.getAllServeEvents().stream()
                .filter(e -> e.getRequest().getUrl().equals("/v1/subscriptions/sub_1")).findFirst().orElseThrow()
                .getStubMapping().getName());
    }

    private static HttpResponse<String> get(String path, String stripeAccount) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(stripe.baseUrl() + path)).GET();
        if (stripeAccount != null) {
            request.header("Stripe-Account", stripeAccount);
        }
        return HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    private static HttpResponse<String> post(String path, String contentType, String key, String body)
            throws Exception {
        return HTTP.send(HttpRequest.newBuilder(URI.create(stripe.baseUrl() + path))
                .header("Content-Type", contentType).header("Idempotency-Key", key)
                .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
    }
}
