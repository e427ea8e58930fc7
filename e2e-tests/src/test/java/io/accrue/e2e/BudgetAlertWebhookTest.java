package io.accrue.e2e;

import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import com.sun.net.httpserver.HttpServer;

import io.accrue.client.Webhooks;
import io.restassured.http.ContentType;
import io.restassured.path.json.JsonPath;

/**
 * One delivery system (issue 20.2), across the real services: a budget threshold that usage-service records reaches
 * an endpoint registered at subscription-service as one {@code usage.threshold_reached} event, signed per Standard
 * Webhooks with that endpoint's secret, over real HTTP to a receiver in this test; a second evaluation publishes
 * nothing again (a test ping, delivered after any earlier delivery to the endpoint, marks the end of what was sent).
 */
class BudgetAlertWebhookTest {

    private static final String ORG = "budget-hooks-e2e";
    private static final List<Received> RECEIVED = new CopyOnWriteArrayList<>();
    private static HttpServer receiver;

    record Received(Map<String, List<String>> headers, String body) {}

    @BeforeAll
    static void anOrganisationWithAReceiver() throws IOException {
        Suite.stack();
        receiver = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        receiver.createContext("/hooks", exchange -> {
            byte[] body = exchange.getRequestBody().readAllBytes();
            RECEIVED.add(
                    new Received(Map.copyOf(exchange.getRequestHeaders()), new String(body, StandardCharsets.UTF_8)));
            exchange.sendResponseHeaders(204, -1);
            exchange.close();
        });
        receiver.start();
        given().auth().oauth2(Suite.operatorToken()).contentType(ContentType.JSON)
                .body(Map.of("orgId", ORG, "name", "Budget Hooks Inc", "currency", "USD", "timeZone", "UTC"))
                .post(Suite.url("subscription-service") + "/v1/accounts").then().statusCode(201);
    }

    @AfterAll
    static void stopReceiver() {
        if (receiver != null) {
            receiver.stop(0);
        }
    }

    @Test
    void aBudgetThresholdReachesTheSubscribedEndpointOnce() {
        String owner = Suite.token("owner", ORG, "owner");
        String url = "http://127.0.0.1:" + receiver.getAddress().getPort() + "/hooks";
        JsonPath endpoint = given().auth().oauth2(owner).contentType(ContentType.JSON).body("""
                {"url":"%s","description":"budget alerts","eventTypes":["usage.threshold_reached"]}""".formatted(url))
                .post(Suite.url("subscription-service") + "/v1/accounts/{o}/webhook-endpoints", ORG)
                .then().statusCode(201).extract().jsonPath();
        String secret = endpoint.getString("secret");
        given().auth().oauth2(owner).contentType(ContentType.JSON).body("""
                {"name":"Tokens","metric":"tokens","tokenLimit":1000,"thresholds":[100]}""")
                .put(Suite.url("usage-service") + "/v1/orgs/{o}/budgets/tokens", ORG).then().statusCode(200);
        Instant now = clock("usage-service");
        given().auth().oauth2(Suite.reporterToken(ORG, "live")).contentType(ContentType.JSON)
                .body(Map.of("eventId", "budget-hook-1", "endUserId", "u-1", "model", "gpt-4o-mini",
                        "inputTokens", 1500, "outputTokens", 0, "occurredAt", now.toString()))
                .post(Suite.url("usage-service") + "/v1/usage-events").then().statusCode(201);

        runBudgets(); // evaluates and publishes to subscription-service, whose sender delivers within seconds
        Awaitility.await("the alert delivered").atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofSeconds(1))
                .until(() -> thresholdEvents().size() == 1);
        Received delivery = thresholdEvents().get(0);
        Clock signedAt = Clock.fixed(clock("subscription-service"), ZoneOffset.UTC);
        String id = Webhooks.verify(secret, delivery.headers(), delivery.body().getBytes(StandardCharsets.UTF_8),
                signedAt);
        JsonPath event = new JsonPath(delivery.body());
        assertEquals(id, event.getString("id"));
        assertEquals(ORG, event.getString("data.orgId"));
        assertEquals("tokens", event.getString("data.budget"));
        assertEquals(100, event.getInt("data.threshold"));
        assertEquals("1500", event.getString("data.observed"));
        String alertEvent = given().auth().oauth2(owner).get(Suite.url("usage-service") + "/v1/orgs/{o}/budget-alerts",
                ORG).then().statusCode(200).body("items[0].publication.status", org.hamcrest.Matchers.equalTo(
                        "published"))
                .extract().path("items[0].eventId");
        assertEquals(alertEvent, id, "the alert's event id is the webhook-id");

        runBudgets(); // a re-evaluation publishes nothing again
        given().auth().oauth2(owner).post(Suite.url("subscription-service")
                + "/v1/accounts/{o}/webhook-endpoints/{id}/test", ORG, endpoint.getString("endpoint.id"))
                .then().statusCode(202);
        Awaitility.await("the ping after it").atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofSeconds(1))
                .until(() -> RECEIVED.stream().anyMatch(r -> r.body().contains("\"test.ping\"")));
        assertEquals(1, thresholdEvents().size(), "delivered once");
        given().auth().oauth2(owner).queryParam("eventId", id)
                .get(Suite.url("subscription-service") + "/v1/accounts/{o}/webhook-deliveries", ORG)
                .then().statusCode(200).body("items", org.hamcrest.Matchers.hasSize(1))
                .body("items[0].status", org.hamcrest.Matchers.equalTo("delivered"));
    }

    private static List<Received> thresholdEvents() {
        return RECEIVED.stream().filter(r -> r.body().contains("\"usage.threshold_reached\"")).toList();
    }

    private static void runBudgets() {
        given().auth().oauth2(Suite.operatorToken()).post(Suite.url("usage-service") + "/v1/operator/budgets/run")
                .then().statusCode(200);
    }

    private static Instant clock(String service) {
        return Instant.parse(given().auth().oauth2(Suite.operatorToken())
                .get(Suite.url(service) + "/v1/operator/clock").then().statusCode(200).extract().jsonPath()
                .getString("now"));
    }
}
