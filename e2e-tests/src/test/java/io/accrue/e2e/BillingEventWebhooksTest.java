package io.accrue.e2e;

import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.math.BigDecimal;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;

import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpServer;

import io.accrue.client.Webhooks;
import io.restassured.http.ContentType;

/**
 * Issue 20 point 2 on the real suite: an organisation registers a billing-event endpoint (a JDK HTTP server in this
 * test), a period close makes an invoice, and invoice-service's {@code invoice.created} and
 * {@code invoice.finalized} travel through its outbox to subscription-service's one delivery system and reach the
 * endpoint signed per Standard Webhooks with the endpoint's secret, in that order, each once.
 */
class BillingEventWebhooksTest {

    private static final String ORG = "hooks-" + UUID.randomUUID().toString().substring(0, 8);
    private static final String PLAN = "flat-" + ORG;
    private static final ObjectMapper JSON = new ObjectMapper();

    /** What the receiver got: headers and the raw body, as a receiver must verify them. */
    record Received(String id, String timestamp, String signature, String body) {}

    private static final List<Received> RECEIVED = new CopyOnWriteArrayList<>();
    private static HttpServer receiver;
    private static String admin;

    @BeforeAll
    static void suite() throws IOException {
        Suite.stack();
        admin = Suite.token("admin@" + ORG, ORG, "billing-admin");
        receiver = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        receiver.createContext("/hooks", exchange -> {
            byte[] body = exchange.getRequestBody().readAllBytes();
            var h = exchange.getRequestHeaders();
            RECEIVED.add(new Received(h.getFirst("webhook-id"), h.getFirst("webhook-timestamp"),
                    h.getFirst("webhook-signature"), new String(body, StandardCharsets.UTF_8)));
            exchange.sendResponseHeaders(204, -1);
            exchange.close();
        });
        receiver.start();
    }

    @AfterAll
    static void stopReceiver() {
        if (receiver != null) {
            receiver.stop(0);
        }
    }

    @Test
    void aPeriodCloseReachesTheOrganisationsEndpointAsSignedInvoiceEvents() throws Exception {
        given().auth().oauth2(Suite.operatorToken()).contentType(ContentType.JSON)
                .body(Map.of("orgId", ORG, "name", "Hooks Labs", "currency", "USD", "timeZone", "UTC"))
                .post(Suite.url("subscription-service") + "/v1/accounts").then().statusCode(201);
        given().auth().oauth2(Suite.operatorToken()).contentType(ContentType.JSON)
                .body(Map.of("slug", PLAN, "name", "Flat", "tier", "pro", "billingModel", "flat", "interval", "month",
                        "basePrices", Map.of("USD", new BigDecimal("100.00")), "allowances", Map.of(),
                        "overage", List.of(), "stripePriceIds", Map.of("base", "price_team_base")))
                .post(Suite.url("subscription-service") + "/v1/plans").then().statusCode(201);
        String url = "http://127.0.0.1:" + receiver.getAddress().getPort() + "/hooks";
        String secret = given().auth().oauth2(admin).contentType(ContentType.JSON)
                .body(Map.of("url", url, "eventTypes", List.of("invoice.created", "invoice.finalized")))
                .post(Suite.url("subscription-service") + "/v1/accounts/{org}/webhook-endpoints", ORG)
                .then().statusCode(201).extract().path("secret");
        Instant periodEnd = Instant.parse(given().auth().oauth2(admin).contentType(ContentType.JSON)
                .body(Map.of("planSlug", PLAN, "timing", "now"))
                .post(Suite.url("subscription-service") + "/v1/accounts/{org}/subscription/plan-change", ORG)
                .then().statusCode(200).extract().path("subscription.currentPeriodEnd"));

        // the period-close CronJob's call, past the period's end
        PeriodClose.moveClocks(periodEnd.plus(Duration.ofHours(1)));
        PeriodClose.run();
        List<Map<String, Object>> invoices = given().auth().oauth2(admin)
                .get(Suite.url("invoice-service") + "/v1/orgs/{org}/invoices", ORG).then().statusCode(200)
                .extract().jsonPath().getList("items");
        assertEquals(1, invoices.size(), "the period closed into one invoice: " + invoices);
        String invoiceId = String.valueOf(invoices.get(0).get("id"));

        // invoice-service's outbox (every 5 s) → subscription-service → its sender (every 5 s) → the endpoint
        Awaitility.await("invoice.created and invoice.finalized delivered").atMost(Duration.ofSeconds(120))
                .pollInterval(Duration.ofMillis(500)).until(() -> RECEIVED.size() >= 2);
        List<Received> got = List.copyOf(RECEIVED);
        Instant now = PeriodClose.clock("subscription-service");
        for (Received r : got) {
            // verified the way a receiver would, with the Java client's verifier (signed per Standard Webhooks)
            Map<String, String> headers = Map.of("webhook-id", r.id(), "webhook-timestamp", r.timestamp(),
                    "webhook-signature", r.signature());
            assertEquals(r.id(), Webhooks.verify(secret, headers, r.body().getBytes(StandardCharsets.UTF_8),
                    Clock.fixed(now, ZoneOffset.UTC)), "signed with the endpoint's secret: " + r);
        }
        List<JsonNode> bodies = got.stream().map(r -> read(r.body())).toList();
        assertEquals(List.of("invoice.created", "invoice.finalized"),
                bodies.stream().map(b -> b.get("type").asText()).toList(), "in order: " + got);
        String hex = invoiceId.replace("-", "");
        assertEquals(List.of("inv_" + hex + "_created", "inv_" + hex + "_finalized"),
                got.stream().map(Received::id).toList(), "the webhook-id is the event's stable id");
        for (JsonNode b : bodies) {
            assertEquals(invoiceId, b.at("/data/invoiceId").asText());
            assertEquals(ORG, b.at("/data/orgId").asText());
            assertEquals("USD", b.at("/data/currency").asText());
            assertEquals(String.valueOf(invoices.get(0).get("total")), b.at("/data/total").asText());
        }

        // a rerun of the close publishes nothing new: still exactly these two deliveries over two cycles of both
        // senders (5 s each)
        PeriodClose.run();
        Awaitility.await("nothing more delivered").during(Duration.ofSeconds(12)).atMost(Duration.ofSeconds(20))
                .pollInterval(Duration.ofMillis(500)).until(() -> RECEIVED.size() == 2);
        List<Map<String, Object>> log = given().auth().oauth2(admin)
                .get(Suite.url("subscription-service") + "/v1/accounts/{org}/webhook-deliveries", ORG)
                .then().statusCode(200).extract().jsonPath().getList("items");
        assertEquals(2, log.size(), "two deliveries in the log: " + log);
        assertEquals(2, RECEIVED.size(), "nothing delivered twice: " + RECEIVED);
    }

    // ---- helpers

    private static JsonNode read(String body) {
        try {
            return JSON.readTree(body);
        } catch (IOException e) {
            throw new AssertionError("not JSON: " + body, e);
        }
    }

}
