package io.accrue.invoice.run;

import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.equalToJson;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.put;
import static com.github.tomakehurst.wiremock.client.WireMock.putRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.contains;
import static org.hamcrest.Matchers.is;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Instant;
import java.util.List;

import jakarta.inject.Inject;
import jakarta.persistence.EntityManager;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import io.accrue.common.security.Roles;
import io.accrue.common.time.AdjustableClock;
import io.accrue.invoice.invoices.Invoice;
import io.accrue.invoice.outbox.OutboxDelivery;
import io.accrue.testing.TestTokens;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.test.junit.QuarkusTest;

/** A run with contract terms (commitment true-up, prepaid credits, drawdown) and with late usage. */
@QuarkusTest
class ContractAndLateUsageRunTest {

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

    static final String RESERVATION_FEB = RunFixture.RES_FEB;

    private RunFixture fx;
    private String org;

    @BeforeEach
    void reset() {
        fx = RunFixture.fresh("ent");
        org = fx.org;
        Neighbours.accounts(List.of(org));
    }

    @AfterEach
    void restoreClock() {
        clock.set(RunFixture.NOW);
    }

    @Test
    void commitmentTrueUpCreditsAndDrawdownReachContractService() {
        RunFixture.n().stubFor(get(urlPathEqualTo("/v1/plans/ent/versions/1")).willReturn(okJson("""
                {"slug":"ent","version":1,"billingModel":"enterprise","interval":"month",
                 "basePrice":{"amount":"0","currency":"USD"},"allowances":{},"overage":[]}""")));
        account("ent", 1, "2026-02-01T00:00:00Z", "2026-03-01T00:00:00Z");
        RunFixture.n().stubFor(get(urlPathEqualTo("/v1/orgs/" + org + "/usage/summary")).willReturn(okJson(usage(
                1_000_000,
                ",\"byModel\":[{\"model\":\"gpt-4o\",\"provider\":\"openai\",\"totalTokens\":1000000,\"cost\":\"250\"}]"))));
        RunFixture.n().stubFor(get(urlPathEqualTo("/v1/orgs/" + org + "/contracts/terms")).willReturn(okJson("""
                {"contractId":"c-9","version":2,"currency":"USD","termStart":"2026-01-01T00:00:00Z",
                 "termEnd":"2027-01-01T00:00:00Z",
                 "commitment":{"amount":{"amount":"1000.00","currency":"USD"},"period":"month",
                               "periodStart":"2026-02-01T00:00:00Z","periodEnd":"2026-03-01T00:00:00Z"},
                 "negotiatedRates":[],"prepaidCreditBalance":{"amount":"100","currency":"USD"},"minimums":[]}""")));
        RunFixture.n().stubFor(post(urlPathEqualTo("/v1/orgs/" + org + "/contracts/c-9/drawdowns"))
                .willReturn(okJson("{\"status\":\"recorded\"}")));
        // contract-service holds what is left of the 100.00 for the period before the invoice is final
        RunFixture.n().stubFor(put(urlPathEqualTo("/v1/orgs/" + org + "/contracts/c-9/credit-reservations/"
                + RESERVATION_FEB)).willReturn(okJson("""
                        {"reference":"%s","contractId":"c-9","amount":{"amount":"100.000000000000","currency":"USD"},
                         "status":"held"}""".formatted(RESERVATION_FEB))));

        fx.close(Instant.parse("2026-03-03T00:00:00Z"));
        Invoice invoice = only();
        given().header("Authorization", TestTokens.bearer(org, Roles.OWNER))
                .when().get("/v1/orgs/{org}/invoices/{id}", org, invoice.id)
                .then().statusCode(200)
                .body("lines.type", contains("llm_usage", "commitment_true_up", "prepaid_credit"))
                .body("lines.amount", contains("300.00", "700.00", "-100.00"))
                .body("subtotal", is("1000.00"))
                .body("total", is("900.00"));

        // only the drawdown is queued (no Stripe customer); it reaches contract-service with its numbers
        QuarkusTransaction.requiringNew().run(() -> em.createNativeQuery(
                "UPDATE outbox SET status = 'delivered' WHERE invoice_id IS DISTINCT FROM ?1")
                .setParameter(1, invoice.id)
                .executeUpdate());
        assertEquals(1, delivery.deliverDue(10));
        RunFixture.n().verify(postRequestedFor(urlPathEqualTo("/v1/orgs/" + org + "/contracts/c-9/drawdowns"))
                .withHeader("Authorization", equalTo("Bearer test-service-token"))
                .withRequestBody(equalToJson("""
                        {"invoiceId":"%s","periodStart":"2026-02-01T00:00:00Z","periodEnd":"2026-03-01T00:00:00Z",
                         "amount":"300.00","creditsApplied":"100.00","reservation":"%s"}"""
                        .formatted(invoice.id, RESERVATION_FEB), true, false)));
        // it asked for what the invoice could pay with credits: all of its charges
        RunFixture.n().verify(putRequestedFor(urlPathEqualTo("/v1/orgs/" + org + "/contracts/c-9/credit-reservations/"
                + RESERVATION_FEB)).withRequestBody(equalToJson("{\"upTo\":\"1000.00\"}")));
    }

    @Test
    void usageRecordedAfterTheCloseIsItsOwnLineOnTheNextInvoice() {
        // February closes at NOW with 999,000 tokens recorded (inside the 1,000,000 allowance)
        account("pro", 3, "2026-02-01T00:00:00Z", "2026-03-01T00:00:00Z");
        summary("2026-02-01T00:00:00Z", null, 999_000);
        fx.close(Instant.parse("2026-03-04T00:00:00Z"));
        assertEquals(1, count());

        // 4,000 more February tokens arrive late; March itself has no usage
        clock.set(Instant.parse("2026-04-02T00:00:00Z"));
        RunFixture.n().resetRequests();
        account("pro", 3, "2026-03-01T00:00:00Z", "2026-04-01T00:00:00Z");
        summary("2026-02-01T00:00:00Z", "2026-03-15T10:00:00Z", 999_000);
        summary("2026-02-01T00:00:00Z", "2026-04-02T00:00:00Z", 1_003_000);
        summary("2026-03-01T00:00:00Z", null, 0);
        var mar = runs.start(Instant.parse("2026-04-02T00:00:00Z"), "test");
        worker.drive(mar.id(), Integer.MAX_VALUE);
        assertEquals(2, count());
        Invoice march = QuarkusTransaction.requiringNew().call(() -> em.createQuery(
                "select i from Invoice i where i.orgId = :o and i.periodStart = :s", Invoice.class)
                .setParameter("o", org).setParameter("s", Instant.parse("2026-03-01T00:00:00Z")).getSingleResult());
        clock.set(RunFixture.NOW);
        // 3,000 tokens above the allowance → 3 packages × 0.003 = 0.009 → 0.01, dated February
        given().header("Authorization", TestTokens.bearer(org, Roles.OWNER))
                .when().get("/v1/orgs/{org}/invoices/{id}", org, march.id)
                .then().statusCode(200)
                .body("lines.type", contains("base_fee", "late_usage"))
                .body("lines.amount", contains("99.00", "0.01"))
                .body("lines[1].periodStart", is("2026-02-01T00:00:00Z"))
                .body("lines[1].quantity", is("4000"))
                .body("total", is("99.01"));
    }

    private void account(String plan, int version, String start, String end) {
        RunFixture.n().stubFor(get(urlPathEqualTo("/v1/accounts/" + org)).willReturn(okJson("""
                {"orgId":"%s","name":"Ent","currency":"USD","timeZone":"UTC","planSlug":"%s","stripeCustomerId":null,
                 "meteredEnabled":true,"createdAt":"2025-12-01T00:00:00Z"}""".formatted(org, plan))));
        RunFixture.n().stubFor(get(urlPathEqualTo("/v1/accounts/" + org + "/subscription")).willReturn(okJson("""
                {"status":"active","currentPeriodStart":"%s","currentPeriodEnd":"%s","cancelAtPeriodEnd":false,
                 "currency":"USD","plan":{"slug":"%s","version":%d,"interval":"month","billingModel":"tiered"}}"""
                .formatted(start, end, plan, version))));
        RunFixture.n().stubFor(get(urlPathEqualTo("/v1/accounts/" + org + "/subscription/events")).willReturn(okJson("""
                {"items":[{"id":"ev-1","type":"subscription_created","effectiveAt":"2025-12-01T00:00:00Z",
                 "planSlug":"%s","planVersion":%d,"toStatus":"active"}],"hasMore":false}""".formatted(plan, version))));
    }

    private void summary(String from, String recordedBefore, long tokens) {
        var mapping = get(urlPathEqualTo("/v1/orgs/" + org + "/usage/summary"))
                .withQueryParam("from", equalTo(from));
        if (recordedBefore != null) {
            mapping = mapping.withQueryParam("recordedBefore", equalTo(recordedBefore)).atPriority(1);
        } else {
            mapping = mapping.atPriority(5);
        }
        RunFixture.n().stubFor(mapping.willReturn(okJson(usage(tokens, ""))));
    }

    private String usage(long tokens, String extra) {
        return """
                {"orgId":"%s","environment":"live","currency":"USD","totals":{"totalTokens":%d,"requests":1,
                 "agentSessions":0,"toolCalls":0,"cost":"0","revenue":"0","unpricedEvents":0}%s}"""
                .formatted(org, tokens, extra);
    }

    private Invoice only() {
        return QuarkusTransaction.requiringNew().call(() -> em.createQuery(
                "select i from Invoice i where i.orgId = :o", Invoice.class).setParameter("o", org).getSingleResult());
    }

    private long count() {
        return QuarkusTransaction.requiringNew().call(() -> em.createQuery(
                "select count(i) from Invoice i where i.orgId = :o", Long.class).setParameter("o", org)
                .getSingleResult());
    }

}
