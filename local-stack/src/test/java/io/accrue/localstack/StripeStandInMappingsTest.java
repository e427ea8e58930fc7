package io.accrue.localstack;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Instant;
import java.util.List;

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
                .usingFilesUnderDirectory("stripe").globalTemplating(true).extensions(new StripeStandInState()));
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

    /**
     * A supplementary invoice (billing-rules "Invoices" rule 12a) is pushed like any invoice: create, one item per
     * line — a negative one when it takes a minimum top-up off — and finalise. Every request has its mapping.
     */
    @Test
    void aSupplementaryInvoiceWithANegativeTopUpLineIsPushedLikeAnyInvoice() throws Exception {
        String id = "5a5a5a5a-0000-0000-0000-000000000000";
        HttpResponse<String> created = post("/v1/invoices", "application/x-www-form-urlencoded",
                "accrue-invoice-" + id + "-invoice", "customer=cus_1&currency=usd&metadata[accrue_invoice_id]=" + id);
        assertEquals(200, created.statusCode(), created.body());
        String stripeId = JSON.readTree(created.body()).path("id").asText();
        assertEquals("in_local_5a5a5a5a", stripeId);
        for (String[] item : new String[][]{{"1", "20050"}, {"2", "-5100"}}) {
            HttpResponse<String> added = post("/v1/invoiceitems", "application/x-www-form-urlencoded",
                    "accrue-invoice-" + id + "-item-" + item[0], "customer=cus_1&invoice=" + stripeId
                            + "&currency=usd&amount=" + item[1] + "&description=Supplement&metadata[accrue_line]="
                            + item[0]);
            assertEquals(200, added.statusCode(), added.body());
            assertEquals("invoiceitem", JSON.readTree(added.body()).path("object").asText());
        }
        HttpResponse<String> finalised = post("/v1/invoices/" + stripeId + "/finalize",
                "application/x-www-form-urlencoded", "accrue-invoice-" + id + "-finalize", "auto_advance=true");
        assertEquals(200, finalised.statusCode(), finalised.body());
        assertEquals("open", JSON.readTree(finalised.body()).path("status").asText());
        assertEquals(List.of(), stripe.findAllUnmatchedRequests());
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
        JsonNode invoices = JSON.readTree(get("/v1/invoices?customer=cus_local_nobody&limit=100", null).body());
        assertEquals("list", invoices.path("object").asText());
        assertEquals(0, invoices.path("data").size());
        JsonNode items = JSON.readTree(get("/v1/invoiceitems?invoice=in_local_ffffffff&limit=100", null).body());
        assertEquals("list", items.path("object").asText());
        // an invoice the stand-in never created still gets Stripe's shape
        HttpResponse<String> invoice = get("/v1/invoices/in_local_ffffffff", null);
        assertEquals(200, invoice.statusCode(), invoice.body());
        assertEquals("in_local_ffffffff", JSON.readTree(invoice.body()).path("id").asText());
        assertEquals("draft", JSON.readTree(invoice.body()).path("status").asText());
    }

    /** What the first hour reads back: the invoice as it was created, finalised and paid, found again by customer. */
    @Test
    void anInvoiceIsReadListedFinalisedAndPaidAsItWasMade() throws Exception {
        String key = "accrue-invoice-5e5e5e5e-0000-0000-0000-000000000000";
        post("/v1/invoices", "application/x-www-form-urlencoded", key + "-invoice",
                "customer=cus_local_state&currency=eur&metadata[accrue_invoice_id]=5e5e5e5e-0000-0000-0000-000000000000");
        String id = "in_local_5e5e5e5e";
        post("/v1/invoiceitems", "application/x-www-form-urlencoded", key + "-item-1",
                "customer=cus_local_state&invoice=" + id + "&amount=9900&currency=eur&metadata[accrue_line]=1");
        post("/v1/invoiceitems", "application/x-www-form-urlencoded", key + "-item-2",
                "customer=cus_local_state&invoice=" + id + "&amount=151&currency=eur&metadata[accrue_line]=2");
        // a repeated key is the same item, not a third one
        post("/v1/invoiceitems", "application/x-www-form-urlencoded", key + "-item-2",
                "customer=cus_local_state&invoice=" + id + "&amount=151&currency=eur&metadata[accrue_line]=2");
        JsonNode draft = JSON.readTree(get("/v1/invoices/" + id, null).body());
        assertEquals("draft", draft.path("status").asText());
        assertEquals(10051, draft.path("amount_due").asLong());
        assertEquals("5e5e5e5e-0000-0000-0000-000000000000", draft.path("metadata").path("accrue_invoice_id").asText());
        assertEquals(2, JSON.readTree(get("/v1/invoiceitems?invoice=" + id, null).body()).path("data").size());
        JsonNode listed = JSON.readTree(get("/v1/invoices?customer=cus_local_state&limit=100", null).body());
        assertEquals(id, listed.path("data").path(0).path("id").asText());

        post("/v1/invoices/" + id + "/finalize", "application/x-www-form-urlencoded", key + "-finalize",
                "auto_advance=true");
        JsonNode open = JSON.readTree(get("/v1/invoices/" + id, null).body());
        assertEquals("open", open.path("status").asText());
        assertEquals("https://invoice.stripe.com/i/acct_local/" + id, open.path("hosted_invoice_url").asText());
        post("/v1/invoices/" + id + "/pay", "application/x-www-form-urlencoded", "local-pay-" + id, "");
        JsonNode paid = JSON.readTree(get("/v1/invoices/" + id, null).body());
        assertEquals("paid", paid.path("status").asText());
        assertEquals(10051, paid.path("amount_paid").asLong());
    }

    /** A customer created is retrievable with its card; the default set on it sticks; a detached card leaves. */
    @Test
    void aCustomerIsRetrievableWithItsCardAndDefault() throws Exception {
        JsonNode created = JSON.readTree(post("/v1/customers", "application/x-www-form-urlencoded",
                "accrue-customer-state", "name=State+Labs&metadata[org_id]=state").body());
        String id = created.path("id").asText();
        assertEquals(id, JSON.readTree(post("/v1/customers", "application/x-www-form-urlencoded",
                "accrue-customer-state", "name=State+Labs&metadata[org_id]=state").body()).path("id").asText(),
                "the same key is the same customer");
        JsonNode read = JSON.readTree(get("/v1/customers/" + id, null).body());
        assertEquals("State Labs", read.path("name").asText());
        assertEquals("state", read.path("metadata").path("org_id").asText());
        String card = "pm_local_card_" + id;
        assertEquals(card, read.path("invoice_settings").path("default_payment_method").asText());
        JsonNode methods = JSON.readTree(get("/v1/payment_methods?customer=" + id, null).body());
        assertEquals(card, methods.path("data").path(0).path("id").asText());

        post("/v1/payment_methods/" + card + "/detach", "application/x-www-form-urlencoded", "accrue-detach-" + card,
                "");
        assertEquals(0, JSON.readTree(get("/v1/payment_methods?customer=" + id, null).body()).path("data").size());
        assertTrue(JSON.readTree(get("/v1/customers/" + id, null).body()).path("invoice_settings")
                .path("default_payment_method").isNull(), "the detached default is gone");
        post("/v1/customers/" + id, "application/x-www-form-urlencoded", "accrue-default-" + id,
                "invoice_settings[default_payment_method]=pm_other");
        assertEquals("pm_other", JSON.readTree(get("/v1/customers/" + id, null).body()).path("invoice_settings")
                .path("default_payment_method").asText());
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
