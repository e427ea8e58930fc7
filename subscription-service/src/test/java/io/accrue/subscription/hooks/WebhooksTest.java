package io.accrue.subscription.hooks;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static io.accrue.subscription.Api.as;
import static io.accrue.subscription.Api.provision;
import static io.accrue.subscription.Api.service;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.everyItem;
import static org.hamcrest.Matchers.hasSize;
import static org.hamcrest.Matchers.nullValue;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.UUID;

import jakarta.inject.Inject;

import org.junit.jupiter.api.Test;

import com.github.tomakehurst.wiremock.stubbing.Scenario;
import com.github.tomakehurst.wiremock.verification.LoggedRequest;

import io.accrue.common.security.Roles;
import io.accrue.common.signing.StandardWebhooks;
import io.accrue.subscription.StandInsResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.path.json.JsonPath;

/**
 * Billing events end to end with a real receiver (WireMock) over real HTTP and real PostgreSQL: signed per Standard
 * Webhooks with the endpoint's secret, retried with the suite's backoff, given up after three days, replayed under
 * the same id, ordered per endpoint, filtered by type, URL-policed, tenant-scoped.
 */
@QuarkusTest
class WebhooksTest {

    @Inject
    WebhookSender sender;

    @Inject
    Clock clock;

    record Endpoint(String org, String id, String secret, String path) {}

    private static Endpoint endpoint(String org, String types, int status) {
        String path = "/receiver/" + UUID.randomUUID();
        StandInsResource.server().stubFor(post(path).willReturn(aResponse().withStatus(status)));
        return register(org, path, types);
    }

    private static Endpoint register(String org, String path, String types) {
        String url = "http://127.0.0.1:" + StandInsResource.server().port() + path;
        JsonPath created = as(org, Roles.OWNER).body("""
                {"url":"%s","description":"ops","eventTypes":[%s]}""".formatted(url, types))
                .post("/v1/accounts/{o}/webhook-endpoints", org).then().statusCode(201).extract().jsonPath();
        return new Endpoint(org, created.getString("endpoint.id"), created.getString("secret"), path);
    }

    private static void publish(String org, String id, String type, String occurredAt, int expected) {
        service().contentType(ContentType.JSON).body("""
                {"id":"%s","orgId":"%s","type":"%s","occurredAt":"%s","data":{"threshold":80,"meter":"tokens"}}"""
                .formatted(id, org, type, occurredAt)).post("/v1/billing-events").then().statusCode(expected);
    }

    private static List<LoggedRequest> received(Endpoint e) {
        return StandInsResource.server().findAll(postRequestedFor(urlEqualTo(e.path())));
    }

    private static JsonPath log(Endpoint e) {
        return as(e.org(), Roles.BILLING_ADMIN).queryParam("endpointId", e.id())
                .get("/v1/accounts/{o}/webhook-deliveries", e.org()).then().statusCode(200).extract().jsonPath();
    }

    private static String id() {
        return "evt_" + UUID.randomUUID().toString().replace("-", "");
    }

    @Test
    void aDeliveryIsSignedPerStandardWebhooksWithTheEndpointSecret() {
        String org = provision("wh", "USD", "UTC");
        Endpoint e = endpoint(org, "\"usage.threshold_reached\"", 204);
        assertTrue(e.secret().startsWith("whsec_"), e.secret());
        // the secret is shown once: never in a read
        as(org, Roles.OWNER).get("/v1/accounts/{o}/webhook-endpoints/{id}", org, e.id()).then().statusCode(200)
                .body("secret", nullValue()).body("eventTypes", equalTo(List.of("usage.threshold_reached")));
        String id = id();
        publish(org, id, "usage.threshold_reached", "2026-03-15T09:30:00Z", 201);
        publish(org, id, "usage.threshold_reached", "2026-03-15T09:30:00Z", 200); // idempotent on the id
        Instant now = clock.instant();
        sender.deliverDue(now);
        sender.deliverDue(now); // delivered once, not again

        List<LoggedRequest> sent = received(e);
        assertEquals(1, sent.size());
        LoggedRequest r = sent.get(0);
        assertEquals(id, r.getHeader(StandardWebhooks.ID));
        assertEquals(StandardWebhooks.Outcome.VALID, StandardWebhooks.verify(e.secret(), r.getHeader("webhook-id"),
                r.getHeader("webhook-timestamp"), r.getHeader("webhook-signature"), r.getBodyAsString(), now,
                StandardWebhooks.TOLERANCE));
        assertEquals(StandardWebhooks.Outcome.INVALID, StandardWebhooks.verify(StandardWebhooks.newSecret(),
                r.getHeader("webhook-id"), r.getHeader("webhook-timestamp"), r.getHeader("webhook-signature"),
                r.getBodyAsString(), now, StandardWebhooks.TOLERANCE));
        JsonPath body = new JsonPath(r.getBodyAsString());
        assertEquals("usage.threshold_reached", body.getString("type"));
        assertEquals(80, body.getInt("data.threshold"));
        assertEquals("2026-03-15T09:30:00Z", body.getString("timestamp"));

        JsonPath log = log(e);
        assertEquals(List.of("delivered"), log.getList("items.status"));
        assertEquals(204, log.getInt("items[0].tries[0].responseCode"));

        // a rotation: the new secret signs, and the old one too for the overlap
        String rotated = as(org, Roles.OWNER).post("/v1/accounts/{o}/webhook-endpoints/{id}/rotate-secret", org,
                e.id()).then().statusCode(200).extract().path("secret");
        as(org, Roles.OWNER).post("/v1/accounts/{o}/webhook-endpoints/{id}/test", org, e.id()).then()
                .statusCode(202).body("eventType", equalTo("test.ping"));
        sender.deliverDue(now);
        LoggedRequest ping = received(e).stream().filter(q -> q.getBodyAsString().contains("test.ping")).findFirst()
                .orElseThrow();
        String signatures = ping.getHeader("webhook-signature");
        assertEquals(2, signatures.split(" ").length, signatures);
        for (String secret : List.of(rotated, e.secret())) {
            assertEquals(StandardWebhooks.Outcome.VALID, StandardWebhooks.verify(secret, ping.getHeader("webhook-id"),
                    ping.getHeader("webhook-timestamp"), signatures, ping.getBodyAsString(), now,
                    StandardWebhooks.TOLERANCE));
        }
    }

    @Test
    void aFailingEndpointIsRetriedWithBackoffUntilItAnswers() {
        String org = provision("wr", "USD", "UTC");
        String path = "/receiver/" + UUID.randomUUID();
        String scenario = "flaky-" + path;
        StandInsResource.server().stubFor(post(path).inScenario(scenario).whenScenarioStateIs(Scenario.STARTED)
                .willReturn(aResponse().withStatus(500)).willSetStateTo("second"));
        StandInsResource.server().stubFor(post(path).inScenario(scenario).whenScenarioStateIs("second")
                .willReturn(aResponse().withStatus(503)).willSetStateTo("up"));
        StandInsResource.server().stubFor(post(path).inScenario(scenario).whenScenarioStateIs("up")
                .willReturn(aResponse().withStatus(200)));
        Endpoint e = register(org, path, "\"*\"");
        String id = id();
        publish(org, id, "invoice.created", "2026-03-15T09:00:00Z", 201);
        Instant t0 = clock.instant();
        assertEquals(1, sender.deliverDue(t0));
        // not due again at once: the first retry waits 15-30 s (30 s with up to half taken off)
        assertEquals(0, sender.deliverDue(t0.plusSeconds(14)));
        assertEquals(1, sender.deliverDue(t0.plusSeconds(30)));
        // the second waits 30-60 s after the second failure
        assertEquals(0, sender.deliverDue(t0.plusSeconds(30 + 29)));
        assertEquals(1, sender.deliverDue(t0.plusSeconds(30 + 60)));

        JsonPath log = log(e);
        assertEquals("delivered", log.getString("items[0].status"));
        assertEquals(List.of(500, 503, 200), log.getList("items[0].tries.responseCode"));
        // at least once, under one stable id
        assertEquals(List.of(id, id, id), received(e).stream().map(r -> r.getHeader("webhook-id")).toList());
    }

    @Test
    void aDeliveryGivesUpAfterThreeDaysAndTheNextOneGoes() {
        String org = provision("wf", "USD", "UTC");
        Endpoint e = endpoint(org, "\"*\"", 500);
        String first = id();
        String second = id();
        publish(org, first, "invoice.created", "2026-03-15T09:00:00Z", 201);
        publish(org, second, "invoice.finalized", "2026-03-15T09:01:00Z", 201);
        Instant t0 = clock.instant();
        Instant t = t0;
        for (int i = 0; i < 200 && log(e).getString("items[1].status").equals("pending"); i++) {
            sender.deliverDue(t);
            t = t.plus(Duration.ofMinutes(61)); // past the one-hour cap: every round is due
        }
        JsonPath log = log(e);
        assertEquals("failed", log.getString("items[1].status"));
        assertEquals(first, log.getString("items[1].eventId"));
        List<String> ats = log.getList("items[1].tries.at");
        Instant lastTry = Instant.parse(ats.get(ats.size() - 1));
        // a worker running late may try once past the window (by at most its own lateness, here one round)
        assertTrue(!lastTry.isAfter(t0.plus(Duration.ofDays(3)).plus(Duration.ofMinutes(61))), lastTry.toString());
        assertTrue(lastTry.isAfter(t0.plus(Duration.ofDays(3)).minus(Duration.ofHours(2))), lastTry.toString());
        assertTrue(ats.size() > 60, "hourly retries for three days, got " + ats.size());
        // while the first was pending the second waited; it goes once the first gave up
        assertTrue(received(e).stream().map(r -> r.getHeader("webhook-id")).toList().contains(second));
        as(org, Roles.OWNER).delete("/v1/accounts/{o}/webhook-endpoints/{id}", org, e.id()).then().statusCode(204);
    }

    @Test
    void deliveriesToOneEndpointKeepTheirOrderAcrossRetries() {
        String org = provision("wo", "USD", "UTC");
        String path = "/receiver/" + UUID.randomUUID();
        String scenario = "order-" + path;
        StandInsResource.server().stubFor(post(path).inScenario(scenario).whenScenarioStateIs(Scenario.STARTED)
                .willReturn(aResponse().withStatus(500)).willSetStateTo("up"));
        StandInsResource.server().stubFor(post(path).inScenario(scenario).whenScenarioStateIs("up")
                .willReturn(aResponse().withStatus(204)));
        Endpoint e = register(org, path, "\"*\"");
        List<String> ids = List.of(id(), id(), id());
        for (String id : ids) {
            publish(org, id, "invoice.created", "2026-03-15T09:00:00Z", 201);
        }
        Instant t0 = clock.instant();
        sender.deliverDue(t0); // the first fails; the two after it wait, they are not sent ahead of it
        assertEquals(List.of(ids.get(0)), ids(e));
        sender.deliverDue(t0.plusSeconds(31));
        assertEquals(List.of(ids.get(0), ids.get(0), ids.get(1), ids.get(2)), ids(e));
    }

    @Test
    void oneEventOrATimeRangeIsReplayedUnderTheSameId() {
        String org = provision("wp", "USD", "UTC");
        Endpoint e = endpoint(org, "\"invoice.paid\",\"credit_note.created\"", 204);
        String a = id();
        String b = id();
        publish(org, a, "invoice.paid", "2026-03-10T00:00:00Z", 201);
        publish(org, b, "credit_note.created", "2026-03-12T00:00:00Z", 201);
        Instant now = clock.instant();
        sender.deliverDue(now);
        assertEquals(2, received(e).size());

        as(org, Roles.OWNER).post("/v1/accounts/{o}/webhook-events/{id}/replay", org, a).then().statusCode(202)
                .body("deliveries", equalTo(1));
        sender.deliverDue(now);
        assertEquals(List.of(a, b, a), ids(e));

        as(org, Roles.OWNER).body("{\"from\":\"2026-03-11T00:00:00Z\",\"to\":\"2026-03-13T00:00:00Z\"}")
                .post("/v1/accounts/{o}/webhook-events/replay", org).then().statusCode(202)
                .body("events", equalTo(1)).body("deliveries", equalTo(1));
        sender.deliverDue(now);
        assertEquals(List.of(a, b, a, b), ids(e));

        as(org, Roles.OWNER).body("{\"from\":\"2026-03-13T00:00:00Z\",\"to\":\"2026-03-11T00:00:00Z\"}")
                .post("/v1/accounts/{o}/webhook-events/replay", org).then().statusCode(400)
                .contentType("application/problem+json").body("code", equalTo("invalid_range"));
        as(org, Roles.OWNER).post("/v1/accounts/{o}/webhook-events/{id}/replay", org, "evt_nope").then()
                .statusCode(404).body("code", equalTo("billing_event_not_found"));
    }

    /** The webhook-ids the receiver got, in the order it got them. */
    private static List<String> ids(Endpoint e) {
        return received(e).stream().sorted(java.util.Comparator.comparing(LoggedRequest::getLoggedDate))
                .map(r -> r.getHeader("webhook-id")).toList();
    }

    @Test
    void anEndpointReceivesOnlyTheTypesItSubscribesTo() {
        String org = provision("wt", "USD", "UTC");
        Endpoint subs = endpoint(org, "\"subscription.updated\"", 204);
        Endpoint invoices = endpoint(org, "\"invoice.paid\"", 204);
        // a plan change in this service is a subscription.updated billing event
        as(org, Roles.OWNER).body("{\"planSlug\":\"pro\"}")
                .post("/v1/accounts/{o}/subscription/plan-change", org).then().statusCode(200);
        sender.deliverDue(clock.instant());
        assertFalse(received(subs).isEmpty());
        assertTrue(received(subs).stream().allMatch(r -> r.getBodyAsString().contains("\"subscription.updated\"")));
        assertTrue(received(invoices).isEmpty());
        assertTrue(log(invoices).getList("items").isEmpty());
        as(org, Roles.OWNER).get("/v1/accounts/{o}/webhook-deliveries", org).then().statusCode(200)
                .body("items.eventType", everyItem(equalTo("subscription.updated")));
        // unknown types are refused, not stored to receive nothing
        as(org, Roles.OWNER).body("{\"url\":\"http://127.0.0.1:9/x\",\"eventTypes\":[\"invoice.exploded\"]}")
                .post("/v1/accounts/{o}/webhook-endpoints", org).then().statusCode(422)
                .contentType("application/problem+json").body("code", equalTo("unknown_event_type"));
        service().contentType(ContentType.JSON).body("""
                {"id":"evt_x1","orgId":"%s","type":"invoice.exploded","occurredAt":"2026-03-15T09:00:00Z","data":{}}"""
                .formatted(org)).post("/v1/billing-events").then().statusCode(422)
                .body("code", equalTo("unknown_event_type"));
    }

    @Test
    void endpointUrlsGoThroughTheOutboundPolicyAndRolesAndTenancyHold() {
        String org = provision("wu", "USD", "UTC");
        // refused in every mode (the test profile allows private addresses, as %dev does; production rules are
        // common's OutboundUrlPolicyTest: https:443, public addresses only)
        for (String url : List.of("ftp://127.0.0.1/h", "http://user:pw@127.0.0.1:9/h", "http://0177.0.0.1/h",
                "http://127.0.0.1:9/h#f")) {
            as(org, Roles.OWNER).body("{\"url\":\"%s\",\"eventTypes\":[\"*\"]}".formatted(url))
                    .post("/v1/accounts/{o}/webhook-endpoints", org).then().statusCode(422)
                    .contentType("application/problem+json").body("code", equalTo("webhook_url_not_allowed"));
        }
        as(org, Roles.OWNER).get("/v1/accounts/{o}/webhook-endpoints", org).then().body("items", hasSize(0));
        Endpoint e = endpoint(org, "\"*\"", 204);
        as(org, Roles.OWNER).body("{\"url\":\"http://user:pw@127.0.0.1:9/h\"}")
                .patch("/v1/accounts/{o}/webhook-endpoints/{id}", org, e.id()).then().statusCode(422)
                .body("code", equalTo("webhook_url_not_allowed"));

        as(org, Roles.MEMBER).get("/v1/accounts/{o}/webhook-endpoints", org).then().statusCode(403);
        as(org, Roles.MEMBER).body("{\"url\":\"http://127.0.0.1:9/x\",\"eventTypes\":[\"*\"]}")
                .post("/v1/accounts/{o}/webhook-endpoints", org).then().statusCode(403);
        // another organisation sees nothing of it
        String other = provision("wu", "USD", "UTC");
        as(other, Roles.OWNER).get("/v1/accounts/{o}/webhook-endpoints/{id}", org, e.id()).then().statusCode(404);
        as(other, Roles.OWNER).get("/v1/accounts/{o}/webhook-endpoints/{id}", other, e.id()).then().statusCode(404)
                .contentType("application/problem+json").body("code", equalTo("webhook_endpoint_not_found"));
        as(other, Roles.OWNER).post("/v1/accounts/{o}/webhook-endpoints/{id}/test", other, e.id()).then()
                .statusCode(404);
        as(other, Roles.OWNER).delete("/v1/accounts/{o}/webhook-endpoints/{id}", other, e.id()).then()
                .statusCode(404);
        String event = id();
        publish(org, event, "invoice.paid", "2026-03-15T09:00:00Z", 201);
        as(other, Roles.OWNER).post("/v1/accounts/{o}/webhook-events/{id}/replay", other, event).then()
                .statusCode(404).body("code", equalTo("billing_event_not_found"));
        publish(other, event, "invoice.paid", "2026-03-15T09:00:00Z", 409);
        // only the suite's services publish
        as(org, Roles.OWNER).body("""
                {"id":"%s","orgId":"%s","type":"invoice.paid","occurredAt":"2026-03-15T09:00:00Z","data":{}}"""
                .formatted(id(), org)).post("/v1/billing-events").then().statusCode(403);

        // disabled: nothing new is delivered to it
        as(org, Roles.OWNER).body("{\"enabled\":false}").patch("/v1/accounts/{o}/webhook-endpoints/{id}", org, e.id())
                .then().statusCode(200).body("enabled", equalTo(false));
        sender.deliverDue(clock.instant());
        assertTrue(received(e).isEmpty());
        as(org, Roles.OWNER).delete("/v1/accounts/{o}/webhook-endpoints/{id}", org, e.id()).then().statusCode(204);
        as(org, Roles.OWNER).get("/v1/accounts/{o}/webhook-endpoints/{id}", org, e.id()).then().statusCode(404);
    }

    @Test
    void deletingAnEndpointCancelsItsPendingDeliveriesAndLeavesTheDeliveredOnes() {
        String org = provision("wx", "USD", "UTC");
        Endpoint e = endpoint(org, "\"*\"", 204);
        publish(org, id(), "invoice.created", "2026-03-15T09:00:00Z", 201);
        sender.deliverDue(clock.instant());
        StandInsResource.server().stubFor(post(e.path()).willReturn(aResponse().withStatus(500)));
        publish(org, id(), "invoice.finalized", "2026-03-15T09:01:00Z", 201);
        sender.deliverDue(clock.instant());
        assertEquals(List.of("pending", "delivered"), log(e).getList("items.status"));

        as(org, Roles.OWNER).delete("/v1/accounts/{o}/webhook-endpoints/{id}", org, e.id()).then().statusCode(204);
        JsonPath log = log(e);
        assertEquals(List.of("canceled", "delivered"), log.getList("items.status"));
        assertEquals("the endpoint was deleted", log.getString("items[0].lastError"));
        assertEquals(null, log.getString("items[0].nextAttemptAt"), "a canceled delivery is not due again");
        assertEquals(0, sender.deliverDue(clock.instant().plus(Duration.ofHours(2))));
    }

    @Test
    void theListedEventTypesAreExactlyTheOnesAnEndpointCanSubscribeTo() {
        String org = provision("wv", "USD", "UTC");
        List<String> types = as(org, Roles.BILLING_ADMIN).get("/v1/webhook-event-types").then().statusCode(200)
                .extract().jsonPath().getList("items", String.class);
        assertTrue(types.contains("invoice.finalized") && types.contains("usage.threshold_reached"), types.toString());
        assertFalse(types.contains(EventTypes.TEST_PING), "test.ping goes only to the endpoint it is sent to");
        assertEquals(types.stream().sorted().toList(), types);
        // every listed type registers (the form offers nothing the service then refuses)
        String all = String.join("\",\"", types);
        as(org, Roles.OWNER).body("{\"url\":\"http://127.0.0.1:9/x\",\"eventTypes\":[\"" + all + "\"]}")
                .post("/v1/accounts/{o}/webhook-endpoints", org).then().statusCode(201)
                .body("endpoint.eventTypes", hasSize(types.size()));
        as(org, Roles.MEMBER).get("/v1/webhook-event-types").then().statusCode(403);
    }
}
