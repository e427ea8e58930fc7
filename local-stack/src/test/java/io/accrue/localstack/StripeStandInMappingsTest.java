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

    private static HttpResponse<String> post(String path, String contentType, String key, String body)
            throws Exception {
        return HTTP.send(HttpRequest.newBuilder(URI.create(stripe.baseUrl() + path))
                .header("Content-Type", contentType).header("Idempotency-Key", key)
                .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
    }
}
