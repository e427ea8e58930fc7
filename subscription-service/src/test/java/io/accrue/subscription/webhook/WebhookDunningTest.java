package io.accrue.subscription.webhook;

import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static io.accrue.subscription.Api.as;
import static io.accrue.subscription.Api.provision;
import static io.accrue.subscription.Api.service;
import static io.accrue.subscription.webhook.StripeEvents.disputeEvent;
import static io.accrue.subscription.webhook.StripeEvents.invoiceEvent;
import static io.accrue.subscription.webhook.StripeEvents.post;
import static org.hamcrest.Matchers.anyOf;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.UUID;

import jakarta.inject.Inject;
import jakarta.persistence.EntityManager;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import io.accrue.common.security.Roles;
import io.accrue.common.time.AdjustableClock;
import io.accrue.subscription.StandInsResource;
import io.accrue.subscription.dunning.DunningJob;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.test.junit.QuarkusTest;

@QuarkusTest
class WebhookDunningTest {

    private static final Instant FROZEN = Instant.parse("2026-03-15T10:00:00Z");

    @Inject
    AdjustableClock clock;

    @Inject
    WebhookProcessor processor;

    @Inject
    DunningJob dunningJob;

    @Inject
    EntityManager em;

    private String org;
    private String customer;

    @BeforeEach
    void account() {
        org = provision("wh", "USD", "UTC");
        customer = as(org, Roles.OWNER).when().get("/v1/accounts/{o}", org).then().statusCode(200)
                .extract().path("stripeCustomerId");
        assertNotNull(customer, "provisioning created the Stripe customer");
    }

    @AfterEach
    void resetClock() {
        clock.set(FROZEN);
    }

    private static String evt() {
        return "evt_" + UUID.randomUUID().toString().replace("-", "");
    }

    private long stored(String id) {
        return QuarkusTransaction.requiringNew().call(() -> (Long) em
                .createQuery("select count(e) from StripeEventRecord e where e.id = ?1").setParameter(1, id)
                .getSingleResult());
    }

    private void expectStatus(String status) {
        service().when().get("/v1/accounts/{o}/status", org).then().statusCode(200).body("status", equalTo(status));
    }

    private void expectBlocked(String reason) {
        as(org, Roles.OWNER).when().get("/v1/accounts/{o}/spend-gate", org)
                .then().statusCode(200).body("allowed", equalTo(false)).body("reason", equalTo(reason));
        as(org, Roles.OWNER)
                .body("""
                        {"priceId":"price_pro_base_monthly","successUrl":"https://app.example/ok","cancelUrl":"https://app.example/no"}""")
                .when().post("/v1/accounts/{o}/checkout-sessions", org)
                .then().statusCode(409).body("code", equalTo("spend_blocked")).body("reason", equalTo(reason));
        as(org, Roles.OWNER).body("{\"planSlug\":\"pro\"}")
                .when().post("/v1/accounts/{o}/subscription/plan-change", org)
                .then().statusCode(409)
                // a canceled subscription is refused before the gate is asked
                .body("code", anyOf(equalTo("spend_blocked"), equalTo("subscription_canceled")));
        as(org, Roles.OWNER).when().get("/v1/accounts/{o}/subscription", org).then().body("plan.slug", equalTo("free"));
    }

    private void deliver(String payload) {
        post(payload, clock.instant()).statusCode(200);
        processor.processDue();
    }

    @Test
    void badOrStaleSignatureIsRefusedAndNothingIsStored() {
        String id = evt();
        String payload = invoiceEvent(id, "invoice.payment_failed", FROZEN, customer, "in_1");
        post(payload, FROZEN, "whsec_someone_else").statusCode(400).body("code", equalTo("invalid_signature"));
        post(payload, FROZEN.minus(Duration.ofMinutes(10))).statusCode(400).body("code", equalTo("invalid_signature"));
        post(payload, FROZEN.plus(Duration.ofHours(1))).statusCode(400).body("code", equalTo("invalid_signature"));
        for (String malformed : List.of("t=abc", "t=abc,v1=00", "v1=zz", "garbage", "t=1,t=2")) {
            io.restassured.RestAssured.given().contentType("application/json").header("Stripe-Signature", malformed)
                    .body(payload).when().post("/v1/stripe/webhooks").then().statusCode(400)
                    .contentType("application/problem+json").body("code", equalTo("invalid_signature"));
        }
        io.restassured.RestAssured.given().contentType("application/json").body(payload)
                .when().post("/v1/stripe/webhooks").then().statusCode(400).body("code", equalTo("invalid_signature"));
        // a body altered after signing
        String header;
        try {
            header = com.stripe.net.Webhook.Signature.generateSignatureHeader(payload, StripeEvents.SECRET,
                    FROZEN.getEpochSecond());
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
        io.restassured.RestAssured.given().header("Stripe-Signature", header).contentType("application/json")
                .body(payload.replace("in_1", "in_2")).when().post("/v1/stripe/webhooks").then().statusCode(400);
        assertEquals(0, stored(id));
        processor.processDue();
        expectStatus("active");
    }

    @Test
    void replayIsAcknowledgedOnceAndAppliedOnce() {
        String id = evt();
        String payload = invoiceEvent(id, "invoice.payment_failed", FROZEN, customer, "in_r");
        post(payload, FROZEN).statusCode(200).body("duplicate", equalTo(false));
        post(payload, FROZEN.plusSeconds(30)).statusCode(200).body("duplicate", equalTo(true));
        assertEquals(1, stored(id));
        processor.processDue();
        expectStatus("past_due");
        service().queryParam("from", "2026-03-15T10:00:00Z").when().get("/v1/accounts/{o}/subscription/events", org)
                .then().body("items.findAll { it.type == 'status_changed' }.size()", equalTo(1));
    }

    @Test
    void lateOlderEventNeverOverwritesNewerState() {
        Instant t1 = FROZEN.minusSeconds(120);
        Instant t2 = FROZEN.minusSeconds(60);
        // the failure of t2 arrives first; the payment of t1 (older) arrives after it and is stale
        deliver(invoiceEvent(evt(), "invoice.payment_failed", t2, customer, "in_o"));
        expectStatus("past_due");
        deliver(invoiceEvent(evt(), "invoice.paid", t1, customer, "in_o"));
        expectStatus("past_due");
        // a genuinely newer payment ends dunning
        deliver(invoiceEvent(evt(), "invoice.paid", FROZEN, customer, "in_o"));
        expectStatus("active");
    }

    @Test
    void clockWalksThroughEveryDunningStateAndBackToActiveOnPayment() {
        deliver(invoiceEvent(evt(), "invoice.payment_failed", clock.instant(), customer, "in_d"));
        expectStatus("past_due");
        expectBlocked("payment_past_due");

        clock.advance(Duration.ofDays(3));
        dunningJob.run();
        expectStatus("grace");
        expectBlocked("payment_grace_period");

        clock.advance(Duration.ofDays(7));
        dunningJob.run();
        expectStatus("suspended");
        expectBlocked("account_suspended");

        deliver(invoiceEvent(evt(), "invoice.paid", clock.instant(), customer, "in_d"));
        expectStatus("active");
        as(org, Roles.OWNER).when().get("/v1/accounts/{o}/spend-gate", org).then().body("allowed", equalTo(true));

        List<String> path = service().queryParam("from", "2026-03-15T10:00:00Z")
                .when().get("/v1/accounts/{o}/subscription/events", org).then().statusCode(200)
                .extract().path("items.findAll { it.type == 'status_changed' }.toStatus");
        assertEquals(List.of("past_due", "grace", "suspended", "active"), path);
        service().queryParam("from", "2026-03-18T10:00:00Z").queryParam("to", "2026-03-18T10:00:01Z")
                .when().get("/v1/accounts/{o}/subscription/events", org)
                .then().body("items[0].toStatus", equalTo("grace")).body("items[0].actor", equalTo("system"));
    }

    @Test
    void unpaidSuspensionEndsCanceledEvenWhenTheSchedulerWasLate() {
        deliver(invoiceEvent(evt(), "invoice.payment_failed", clock.instant(), customer, "in_c"));
        clock.advance(Duration.ofDays(40));
        dunningJob.run();
        expectStatus("canceled");
        expectBlocked("subscription_canceled");
        List<String> at = service().queryParam("from", "2026-03-15T10:00:00Z")
                .when().get("/v1/accounts/{o}/subscription/events", org).then()
                .extract().path("items.findAll { it.type == 'status_changed' }.effectiveAt");
        // each step is dated when it fell due: +3 days, +10 days, +24 days
        assertEquals(List.of("2026-03-15T10:00:00Z", "2026-03-18T10:00:00Z", "2026-03-25T10:00:00Z",
                "2026-04-08T10:00:00Z"), at);
    }

    @Test
    void openDisputeBlocksSpendingUntilClosed() {
        String charge = "ch_" + UUID.randomUUID().toString().replace("-", "").substring(0, 20);
        StandInsResource.server().stubFor(get("/v1/charges/" + charge).willReturn(okJson("""
                {"id":"%s","object":"charge","amount":9900,"currency":"usd","customer":"%s","paid":true,
                 "status":"succeeded","disputed":true,"livemode":false}""".formatted(charge, customer))));
        String dispute = "dp_" + charge.substring(3);
        deliver(disputeEvent(evt(), "charge.dispute.created", FROZEN, dispute, charge, "needs_response"));
        expectStatus("active");
        expectBlocked("open_dispute");
        // a late "updated" older than the close must not reopen it
        deliver(disputeEvent(evt(), "charge.dispute.closed", FROZEN.plusSeconds(60), dispute, charge, "won"));
        deliver(disputeEvent(evt(), "charge.dispute.updated", FROZEN.plusSeconds(30), dispute, charge, "under_review"));
        as(org, Roles.OWNER).when().get("/v1/accounts/{o}/spend-gate", org).then().body("allowed", equalTo(true));
    }
}
