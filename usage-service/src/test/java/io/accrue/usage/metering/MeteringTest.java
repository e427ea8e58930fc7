package io.accrue.usage.metering;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.matchingJsonPath;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.time.Instant;
import java.util.UUID;

import jakarta.inject.Inject;

import org.hamcrest.Matchers;
import org.junit.jupiter.api.Test;

import com.github.tomakehurst.wiremock.stubbing.Scenario;

import io.accrue.common.security.Roles;
import io.accrue.common.time.AdjustableClock;
import io.accrue.testing.TestTokens;
import io.accrue.usage.StripeStub;
import io.accrue.usage.UsageFixtures;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;

@QuarkusTest
class MeteringTest {

    @Inject
    MeteringService metering;
    @Inject
    MeterOutbox outbox;
    @Inject
    AdjustableClock clock;

    @Test
    void anOperatorRoundAnswers202AndRunsInTheBackground() {
        String operator = "Bearer " + TestTokens.as(Roles.PLATFORM_OPERATOR).token();
        given().header("Authorization", operator).post("/v1/operator/metering/run").then().statusCode(202)
                .body("id", Matchers.notNullValue()).body("state", Matchers.anyOf(Matchers.is("RUNNING"),
                        Matchers.is("DONE")));
        org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(30)).until(() -> "DONE".equals(given()
                .header("Authorization", operator).get("/v1/operator/metering/run").then().statusCode(200)
                .extract().path("state")));
        given().header("Authorization", operator).get("/v1/operator/metering/run").then()
                .body("result.windowEnd", Matchers.notNullValue());
        given().header("Authorization", TestTokens.bearer("o", Roles.OWNER)).post("/v1/operator/metering/run").then()
                .statusCode(403);
    }

    @Test
    void aReportSurvivesAStripeOutageAndIsSentExactlyOnce() {
        String org = "metered-" + UUID.randomUUID();
        String identifier = MeterOutbox.identifier(org, "accrue_llm_tokens", Instant.parse("2026-03-15T10:00:00Z"));
        var stripe = StripeStub.server;
        stripe.resetAll();
        stripe.stubFor(post(urlPathEqualTo("/v2/billing/meter_events")).inScenario("outage")
                .whenScenarioStateIs(Scenario.STARTED).willSetStateTo("recovered")
                .willReturn(aResponse().withStatus(500).withHeader("Content-Type", "application/json")
                        .withBody(
                                "{\"error\":{\"type\":\"api_error\",\"code\":\"internal_error\",\"message\":\"An unknown error occurred\"}}")));
        stripe.stubFor(post(urlPathEqualTo("/v2/billing/meter_events")).inScenario("outage")
                .whenScenarioStateIs("recovered")
                .willReturn(aResponse().withStatus(200).withHeader("Content-Type", "application/json")
                        .withBody(meterEvent(identifier, "2026-03-15T11:00:00.000Z"))));
        report(org, "live", "m-1", 1000, 500);
        report(org, "test", "t-1", 99999, 0);

        Instant start = clock.instant();
        try {
            clock.set(Instant.parse("2026-03-15T11:00:05Z")); // the 10:00–11:00 window is closed
            MeteringService.RoundResult first = metering.runRound();
            assertTrue(first.queued() >= 1);
            assertEquals(1,
                    stripe.countRequestsMatching(postRequestedFor(urlPathEqualTo("/v2/billing/meter_events")).build())
                            .getCount());
            MeterOutbox.Reconciliation pending = outbox.reconcile(org, Instant.parse("2026-03-15T10:00:00Z"),
                    Instant.parse("2026-03-15T11:00:00Z"));
            assertEquals(1500, pending.recordedTokens());
            assertEquals(1500, pending.pendingTokens());
            assertFalse(pending.matches());

            // Not due yet (backoff 30 s): nothing is sent.
            assertFalse(outbox.sendNext());
            clock.advance(Duration.ofSeconds(31));
            assertTrue(outbox.sendNext());
            // Another round re-queues nothing and sends nothing.
            metering.runRound();
            assertFalse(outbox.sendNext());

            stripe.verify(2, postRequestedFor(urlPathEqualTo("/v2/billing/meter_events"))
                    .withHeader("Idempotency-Key", equalTo(identifier))
                    .withRequestBody(matchingJsonPath("$.identifier", equalTo(identifier)))
                    .withRequestBody(matchingJsonPath("$.payload.value", equalTo("1500")))
                    .withRequestBody(matchingJsonPath("$.payload.stripe_customer_id", equalTo("cus_Metered123"))));
        } finally {
            clock.set(start);
        }
        given().header("Authorization", TestTokens.bearer(org, Roles.BILLING_ADMIN))
                .queryParam("from", "2026-03-15T10:00:00Z").queryParam("to", "2026-03-15T11:00:00Z")
                .when().get("/v1/orgs/{org}/metering/reconciliation", org)
                .then().statusCode(200)
                .body("recordedTokens", Matchers.equalTo(1500))
                .body("reportedTokens", Matchers.equalTo(1500))
                .body("matches", Matchers.equalTo(true));
    }

    @Test
    void anAccountWithMeteringEnabledButBillingFlatIsNeverReported() {
        String org = "flatmode-" + UUID.randomUUID();
        var stripe = StripeStub.server;
        stripe.resetAll();
        report(org, "live", "f-1", 1000, 500);
        Instant start = clock.instant();
        try {
            clock.set(Instant.parse("2026-03-15T11:00:05Z"));
            metering.runRound();
            metering.runRound();
        } finally {
            clock.set(start);
        }
        // Accrue's own invoice bills these tokens; a meter event as well would charge them twice
        assertEquals(0, stripe.countRequestsMatching(postRequestedFor(urlPathEqualTo("/v2/billing/meter_events"))
                .withRequestBody(matchingJsonPath("$.payload.stripe_customer_id", equalTo("cus_Flat123"))).build())
                .getCount());
        MeterOutbox.Reconciliation r = outbox.reconcile(org, Instant.parse("2026-03-15T10:00:00Z"),
                Instant.parse("2026-03-15T11:00:00Z"));
        assertEquals(0, r.pendingTokens() + r.reportedTokens());
    }

    @Test
    void anHourMissedDuringAnOutageIsReportedByTheNextRoundExactlyOnce() {
        String org = "metered-" + UUID.randomUUID();
        String identifier = MeterOutbox.identifier(org, "accrue_llm_tokens", Instant.parse("2026-03-15T10:00:00Z"));
        var stripe = StripeStub.server;
        stripe.resetAll();
        stripe.stubFor(post(urlPathEqualTo("/v2/billing/meter_events"))
                .willReturn(aResponse().withStatus(200).withHeader("Content-Type", "application/json")
                        .withBody(meterEvent(identifier, "2026-03-15T13:05:00.000Z"))));
        report(org, "live", "m-1", 1000, 500);

        Instant start = clock.instant();
        try {
            // No round ran between 10:55 and 13:05 (usage-service down): the 10:00–11:00 window is two hours back.
            clock.set(Instant.parse("2026-03-15T13:05:00Z"));
            assertTrue(metering.runRound().queued() >= 1);
            assertEquals(0, metering.runRound().queued(), "a caught-up window is not queued twice");
            stripe.verify(1, postRequestedFor(urlPathEqualTo("/v2/billing/meter_events"))
                    .withHeader("Idempotency-Key", equalTo(identifier))
                    .withRequestBody(matchingJsonPath("$.payload.value", equalTo("1500"))));
            assertTrue(outbox.reconcile(org, Instant.parse("2026-03-15T10:00:00Z"),
                    Instant.parse("2026-03-15T13:00:00Z")).matches());
        } finally {
            clock.set(start);
        }
    }

    /** Usage of end user u-1 with gpt-4o at 09:59, reported by the organisation's gateway in {@code environment}. */
    private static void report(String org, String environment, String eventId, long input, long output) {
        given().header("Authorization", TestTokens.as(Roles.USAGE_REPORTER).org(org).environment(environment).bearer())
                .contentType(ContentType.JSON)
                .body(UsageFixtures.event(eventId, "u-1", "gpt-4o", input, output, "2026-03-15T09:59:00Z"))
                .when().post("/v1/usage-events").then().statusCode(201);
    }

    /** Stripe's answer to a meter event of the 10:00–11:00 window: 1,500 tokens of cus_Metered123. */
    private static String meterEvent(String identifier, String created) {
        return "{\"object\":\"v2.billing.meter_event\",\"created\":\"" + created + "\","
                + "\"event_name\":\"accrue_llm_tokens\",\"identifier\":\"" + identifier + "\","
                + "\"livemode\":false,\"payload\":{\"stripe_customer_id\":\"cus_Metered123\",\"value\":\"1500\"},"
                + "\"timestamp\":\"2026-03-15T10:59:59.000Z\"}";
    }
}
