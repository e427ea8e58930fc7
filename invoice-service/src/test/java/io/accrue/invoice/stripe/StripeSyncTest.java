package io.accrue.invoice.stripe;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.containing;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathMatching;
import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicLong;

import jakarta.inject.Inject;
import jakarta.persistence.EntityManager;

import org.hamcrest.Matchers;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.stripe.net.Webhook;

import io.accrue.common.security.Roles;
import io.accrue.common.time.AdjustableClock;
import io.accrue.invoice.StandInsResource;
import io.accrue.invoice.invoices.Invoice;
import io.accrue.invoice.outbox.OutboxDelivery;
import io.accrue.invoice.outbox.OutboxEntry;
import io.accrue.invoice.run.BillingRunService;
import io.accrue.invoice.run.BillingRunWorker;
import io.accrue.invoice.run.Neighbours;
import io.accrue.testing.TestTokens;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.test.junit.QuarkusTest;
import io.smallrye.faulttolerance.api.CircuitBreakerMaintenance;

@QuarkusTest
class StripeSyncTest {

    static final Instant NOW = Instant.parse("2026-03-15T10:00:00Z");
    static final String SECRET = "whsec_test_invoice";
    private static final AtomicLong AS_OF = new AtomicLong();

    @Inject
    BillingRunService runs;
    @Inject
    BillingRunWorker worker;
    @Inject
    OutboxDelivery delivery;
    @Inject
    EntityManager em;
    @Inject
    AdjustableClock clock;
    @Inject
    CircuitBreakerMaintenance breakers;

    private String org;
    private Invoice invoice;

    @BeforeEach
    void anInvoiceOnStripe() {
        breakers.resetAll();
        Neighbours.reset();
        stripe().resetAll();
        org = "stripe-" + UUID.randomUUID().toString().substring(0, 8);
        Neighbours.proAccount(org, 1_002_500, 105);
        Neighbours.accounts(List.of(org));
        var run = runs.start(Instant.parse("2026-03-05T00:00:00Z").plusSeconds(AS_OF.incrementAndGet()), "test");
        worker.drive(run.id(), Integer.MAX_VALUE);
        invoice = reload();
        // other test classes leave their own outbox rows: deliver them out of the way first
        stripe().stubFor(post(urlPathMatching("/v1/.*")).atPriority(10)
                .willReturn(okJson("{\"id\":\"in_other\",\"object\":\"invoice\"}")));
        QuarkusTransaction.requiringNew().run(() -> em.createNativeQuery(
                "UPDATE outbox SET status = 'delivered' WHERE invoice_id IS DISTINCT FROM ?1")
                .setParameter(1, invoice.id)
                .executeUpdate());
    }

    @AfterEach
    void restoreClock() {
        clock.set(NOW);
    }

    @Test
    void finalisedInvoiceIsPushedWithIdempotencyKeysAndMinorUnits() {
        stubStripeInvoice("in_test_1");
        assertEquals(1, delivery.deliverDue(10));
        assertEquals("in_test_1", reload().stripeInvoiceId);
        String key = "accrue-invoice-" + invoice.id;
        stripe().verify(postRequestedFor(urlPathEqualTo("/v1/invoices"))
                .withHeader("Idempotency-Key", equalTo(key + "-invoice"))
                .withRequestBody(containing("customer=cus_" + org.replace("-", "")))
                .withRequestBody(containing("metadata[accrue_invoice_id]=" + invoice.id).or(
                        containing("metadata%5Baccrue_invoice_id%5D=" + invoice.id))));
        stripe().verify(postRequestedFor(urlPathEqualTo("/v1/invoiceitems"))
                .withHeader("Idempotency-Key", equalTo(key + "-item-1"))
                .withRequestBody(containing("amount=9900")));
        stripe().verify(postRequestedFor(urlPathEqualTo("/v1/invoiceitems"))
                .withHeader("Idempotency-Key", equalTo(key + "-item-2"))
                .withRequestBody(containing("amount=1")));
        stripe().verify(postRequestedFor(urlPathEqualTo("/v1/invoiceitems"))
                .withHeader("Idempotency-Key", equalTo(key + "-item-3"))
                .withRequestBody(containing("amount=250")));
        stripe().verify(postRequestedFor(urlPathEqualTo("/v1/invoices/in_test_1/finalize"))
                .withHeader("Idempotency-Key", equalTo(key + "-finalize")));
        // delivered once: nothing left to do
        assertEquals(0, delivery.deliverDue(10));
    }

    @Test
    void stripeDownKeepsTheEntryAndRetriesWithTheSameKeys() {
        stripe().stubFor(post(urlPathEqualTo("/v1/invoices")).willReturn(aResponse().withStatus(500)
                .withHeader("Content-Type", "application/json")
                .withBody("{\"error\":{\"type\":\"api_error\",\"message\":\"Something went wrong\"}}")));
        assertEquals(1, delivery.deliverDue(10));
        OutboxEntry entry = entry();
        assertEquals("pending", entry.status);
        assertEquals(1, entry.attempts);
        assertTrue(entry.lastError.contains("Stripe"), entry.lastError);
        assertNull(reload().stripeInvoiceId);
        // not yet due
        assertEquals(0, delivery.deliverDue(10));

        stubStripeInvoice("in_test_2");
        clock.advance(Duration.ofMinutes(5));
        assertEquals(1, delivery.deliverDue(10));
        assertEquals("in_test_2", reload().stripeInvoiceId);
        assertEquals("delivered", entry().status);
        stripe().verify(2, postRequestedFor(urlPathEqualTo("/v1/invoices"))
                .withHeader("Idempotency-Key", equalTo("accrue-invoice-" + invoice.id + "-invoice")));
    }

    @Test
    void signedInvoicePaidEventMarksTheInvoicePaidOnce() throws Exception {
        String paid = event("evt_paid_" + invoice.id, "invoice.paid");
        webhook(paid, sign(paid, SECRET)).then().statusCode(200).body("status", Matchers.equalTo("applied"));
        assertEquals("paid", reload().status);
        // Stripe redelivers: nothing changes
        webhook(paid, sign(paid, SECRET)).then().statusCode(200).body("status", Matchers.equalTo("duplicate"));
        // a late voided event cannot undo a payment
        String voided = event("evt_void_" + invoice.id, "invoice.voided");
        webhook(voided, sign(voided, SECRET)).then().statusCode(200)
                .body("status", Matchers.equalTo("ignored_transition"));
        assertEquals("paid", reload().status);
        given().header("Authorization", TestTokens.bearer(org, Roles.MEMBER))
                .when().get("/v1/orgs/{org}/invoices/{id}", org, invoice.id)
                .then().statusCode(200).body("status", Matchers.equalTo("paid"))
                .body("total", Matchers.equalTo("101.51"));
    }

    @Test
    void anEventOfAnotherStripeApiVersionIsStillApplied() throws Exception {
        // an endpoint created with an older API version: stripe-java will not map it by default
        String paid = event("evt_basil_" + invoice.id, "invoice.paid").replace("2026-07-29.dahlia", "2025-03-31.basil");
        webhook(paid, sign(paid, SECRET)).then().statusCode(200).body("status", Matchers.equalTo("applied"));
        assertEquals("paid", reload().status);
    }

    @Test
    void badSignaturesAreRefusedAndChangeNothing() throws Exception {
        String paid = event("evt_forged_" + invoice.id, "invoice.paid");
        webhook(paid, sign(paid, "whsec_someone_else")).then().statusCode(400)
                .contentType("application/problem+json").body("code", Matchers.equalTo("invalid_signature"));
        webhook(paid, null).then().statusCode(400).body("code", Matchers.equalTo("invalid_signature"));
        // a body changed after signing
        webhook(paid.replace("invoice.paid", "invoice.voided"), sign(paid, SECRET)).then().statusCode(400)
                .body("code", Matchers.equalTo("invalid_signature"));
        // a replay older than five minutes
        String stale = Webhook.Signature.generateSignatureHeader(paid, SECRET, NOW.getEpochSecond() - 600);
        webhook(paid, stale).then().statusCode(400).body("code", Matchers.equalTo("invalid_signature"));
        assertEquals("open", reload().status);
        assertEquals(0L, QuarkusTransaction.requiringNew().call(() -> em.createQuery(
                "select count(*) from Invoice i where i.id = :i and i.status <> 'open'", Long.class)
                .setParameter("i", invoice.id).getSingleResult()));
    }

    @Test
    void uncollectibleThenPaidFollowsTheLifecycle() throws Exception {
        String unc = event("evt_unc_" + invoice.id, "invoice.marked_uncollectible");
        webhook(unc, sign(unc, SECRET)).then().statusCode(200).body("status", Matchers.equalTo("applied"));
        assertEquals("uncollectible", reload().status);
        String paid = event("evt_paid2_" + invoice.id, "invoice.paid");
        webhook(paid, sign(paid, SECRET)).then().statusCode(200).body("status", Matchers.equalTo("applied"));
        assertEquals("paid", reload().status);
    }

    private io.restassured.response.Response webhook(String payload, String signature) {
        var spec = given().contentType("application/json").body(payload);
        if (signature != null) {
            spec = spec.header("Stripe-Signature", signature);
        }
        return spec.when().post("/v1/stripe/webhooks");
    }

    private String sign(String payload, String secret) throws Exception {
        return Webhook.Signature.generateSignatureHeader(payload, secret, clock.instant().getEpochSecond());
    }

    private String event(String id, String type) {
        return """
                {"id":"%s","object":"event","api_version":"2026-07-29.dahlia","created":%d,"livemode":false,
                 "pending_webhooks":1,"request":{"id":null,"idempotency_key":null},"type":"%s",
                 "data":{"object":{"id":"in_whatever","object":"invoice","currency":"usd","status":"paid",
                   "metadata":{"accrue_invoice_id":"%s"}}}}""".formatted(id, clock.instant().getEpochSecond(), type,
                invoice.id);
    }

    private void stubStripeInvoice(String id) {
        String body = "{\"id\":\"" + id + "\",\"object\":\"invoice\",\"status\":\"draft\",\"currency\":\"usd\"}";
        stripe().stubFor(post(urlPathEqualTo("/v1/invoices")).willReturn(okJson(body)));
        stripe().stubFor(post(urlPathEqualTo("/v1/invoiceitems"))
                .willReturn(okJson("{\"id\":\"ii_1\",\"object\":\"invoiceitem\",\"invoice\":\"" + id + "\"}")));
        stripe().stubFor(post(urlPathEqualTo("/v1/invoices/" + id + "/finalize"))
                .willReturn(okJson(body.replace("draft", "open"))));
    }

    private Invoice reload() {
        return QuarkusTransaction.requiringNew().call(() -> em.createQuery(
                "select i from Invoice i where i.orgId = :o", Invoice.class).setParameter("o", org).getSingleResult());
    }

    private OutboxEntry entry() {
        return QuarkusTransaction.requiringNew().call(() -> em.createQuery(
                "select e from OutboxEntry e where e.invoiceId = :i", OutboxEntry.class)
                .setParameter("i", invoice.id).getSingleResult());
    }

    private static WireMockServer stripe() {
        return StandInsResource.stripe();
    }
}
