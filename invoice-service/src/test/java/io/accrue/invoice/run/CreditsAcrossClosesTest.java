package io.accrue.invoice.run;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.equalToJson;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.put;
import static com.github.tomakehurst.wiremock.client.WireMock.putRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathMatching;
import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.contains;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.is;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

import jakarta.inject.Inject;
import jakarta.persistence.EntityManager;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import com.github.tomakehurst.wiremock.stubbing.StubMapping;

import io.accrue.common.outbox.OutboxStatus;
import io.accrue.common.security.Roles;
import io.accrue.common.time.AdjustableClock;
import io.accrue.invoice.invoices.Invoice;
import io.accrue.invoice.outbox.OutboxDelivery;
import io.accrue.invoice.outbox.OutboxEntry;
import io.accrue.testing.TestTokens;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.smallrye.faulttolerance.api.CircuitBreakerMaintenance;

/**
 * Prepaid credits (150.00 on contract c-cr) across two closes with contract-service down in between: each close
 * applies only what contract-service reserved for its period, Σ applied stays within the grant, and the invoices'
 * drawdowns carry exactly those numbers. The stand-in answers as contract-service does (its own tests prove that a
 * held reservation counts as spent for the next balance: {@code CreditReservationTest}).
 */
@QuarkusTest
class CreditsAcrossClosesTest {

    static final String FEB = RunFixture.FEB;
    static final String MAR = RunFixture.MAR;
    static final String RES_FEB = RunFixture.RES_FEB;
    static final String RES_MAR = RunFixture.RES_MAR;

    @Inject
    AccountCloser closer;
    @Inject
    UnbilledPeriodService unbilled;
    @Inject
    OutboxDelivery delivery;
    @Inject
    EntityManager em;
    @Inject
    AdjustableClock clock;
    @Inject
    CircuitBreakerMaintenance breakers;

    private RunFixture fx;
    private String org;
    private String base;

    @BeforeEach
    void reset() {
        fx = RunFixture.fresh("cred");
        org = fx.org;
        base = fx.contracts;
        RunFixture.n().stubFor(get(urlPathEqualTo("/v1/accounts/" + org)).willReturn(okJson("""
                {"orgId":"%s","name":"Cred","currency":"USD","timeZone":"UTC","planSlug":"pro","stripeCustomerId":null,
                 "meteredEnabled":false,"createdAt":"2026-02-01T00:00:00Z"}""".formatted(org))));
        RunFixture.n().stubFor(get(urlPathEqualTo("/v1/accounts/" + org + "/subscription/events")).willReturn(okJson("""
                {"items":[{"id":"ev-1","type":"subscription_created","effectiveAt":"2026-02-01T00:00:00Z",
                 "planSlug":"pro","planVersion":3,"toStatus":"active"}],"hasMore":false}""")));
        fx.tokenUsage(FEB, 1_002_500); // 99.01
        fx.tokenUsage(MAR, 2_000_000); // 102.00
    }

    @AfterEach
    void restoreClock() {
        clock.set(RunFixture.NOW);
        breakers.resetAll();
    }

    @Test
    void creditsWithContractServiceDownBetweenTwoClosesAreNeverSpentTwice() {
        // February: 150.00 available; the close reserves what the invoice can use and applies exactly that
        at("2026-03-02T03:00:00Z", MAR, "2026-04-01T00:00:00Z");
        terms("150.00");
        fx.reservation("c-cr", RES_FEB, "99.010000000000");
        closer.close(org, Instant.parse("2026-03-02T00:00:00Z"));
        Invoice feb = fx.invoice(FEB);
        assertEquals("0.00", feb.total.setScale(2).toPlainString());
        assertEquals("99.01", feb.creditsApplied.setScale(2).toPlainString());
        assertEquals("paid", feb.status.wire(), "nothing is owed on an invoice the credits cover: paid as issued");
        RunFixture.n().verify(putRequestedFor(urlPathEqualTo(base + "/c-cr/credit-reservations/" + RES_FEB))
                .withRequestBody(equalToJson("{\"upTo\":\"99.01\"}")));

        // contract-service goes down: February's drawdown waits in the outbox, March's close cannot read the terms
        List<StubMapping> outage = down();
        delivery.deliverDue(100);
        assertEquals(OutboxStatus.PENDING, drawdownOf(feb).status);
        at("2026-04-02T03:00:00Z", "2026-04-01T00:00:00Z", "2026-05-01T00:00:00Z");
        assertThrows(RuntimeException.class, () -> closer.close(org, Instant.parse("2026-04-02T00:00:00Z")));
        assertEquals(0, count(MAR), "no invoice without the contract's terms: nothing is guessed");
        given().header("Authorization", TestTokens.as(Roles.PLATFORM_OPERATOR).bearer()).queryParam("orgId", org)
                .when().get("/v1/operator/unbilled-periods").then().statusCode(200)
                .body("periodStart", contains(MAR)).body("cause", contains("neighbour_unavailable"));

        // back up, February's drawdown still undelivered: the balance already leaves out what February holds
        outage.forEach(RunFixture.n()::removeStub);
        breakers.resetAll();
        terms("50.99");
        fx.reservation("c-cr", RES_MAR, "50.990000000000");
        clock.advance(Duration.ofHours(2));
        unbilled.retryDue(1000);
        Invoice mar = fx.invoice(MAR);
        assertEquals("50.99", mar.creditsApplied.setScale(2).toPlainString());
        assertEquals("51.01", mar.total.setScale(2).toPlainString());

        // both drawdowns arrive, each consuming its own reservation: 99.01 + 50.99 = 150.00 ≤ 150.00 granted
        RunFixture.n().stubFor(post(urlPathEqualTo(base + "/c-cr/drawdowns")).willReturn(okJson("{}").withStatus(201)));
        clock.advance(Duration.ofHours(2));
        delivery.deliverDue(100);
        RunFixture.n().verify(postRequestedFor(urlPathEqualTo(base + "/c-cr/drawdowns")).withRequestBody(equalToJson("""
                {"invoiceId":"%s","periodStart":"%s","periodEnd":"%s","amount":"0.00","creditsApplied":"99.01",
                 "reservation":"%s"}""".formatted(feb.id, FEB, MAR, RES_FEB))));
        RunFixture.n().verify(postRequestedFor(urlPathEqualTo(base + "/c-cr/drawdowns")).withRequestBody(equalToJson("""
                {"invoiceId":"%s","periodStart":"%s","periodEnd":"2026-04-01T00:00:00Z","amount":"0.00",
                 "creditsApplied":"50.99","reservation":"%s"}""".formatted(mar.id, MAR, RES_MAR))));
        BigDecimal applied = feb.creditsApplied.add(mar.creditsApplied);
        assertTrue(applied.compareTo(new BigDecimal("150.00")) <= 0, applied.toPlainString());
    }

    @Test
    void aCreditNoteOnACreditPaidInvoiceReturnsTheCreditsOnceAndNeverRefundsMoney() {
        at("2026-03-02T03:00:00Z", MAR, "2026-04-01T00:00:00Z");
        terms("150.00");
        fx.reservation("c-cr", RES_FEB, "99.010000000000");
        closer.close(org, Instant.parse("2026-03-02T00:00:00Z"));
        Invoice feb = fx.invoice(FEB);
        RunFixture.n()
                .stubFor(post(urlPathEqualTo(base + "/c-cr/credit-returns")).willReturn(okJson("{}").withStatus(201)));
        List<StubMapping> outage = down(); // the drawdown has not reached contract-service yet

        // the invoice billed 0.00 in money: crediting its 99.00 base fee refunds no money, it gives credits back
        String note = creditNote(feb, "{\"reason\":\"goodwill\",\"lines\":[{\"position\":1}]}")
                .statusCode(201).body("total", is("0.00")).body("creditsReturned", is("99.00"))
                .body("lines.type", contains("credit_note", "credits_returned"))
                .body("lines.amount", contains("-99.00", "99.00"))
                .extract().path("id");
        // the return waits for the drawdown that applied the credits
        clock.advance(Duration.ofHours(2));
        delivery.deliverDue(100);
        RunFixture.n().verify(0, postRequestedFor(urlPathEqualTo(base + "/c-cr/credit-returns")));

        outage.forEach(RunFixture.n()::removeStub);
        breakers.resetAll();
        RunFixture.n().stubFor(post(urlPathEqualTo(base + "/c-cr/drawdowns")).willReturn(okJson("{}").withStatus(201)));
        for (int i = 0; i < 3; i++) {
            clock.advance(Duration.ofHours(2));
            delivery.deliverDue(100);
        }
        RunFixture.n().verify(1,
                postRequestedFor(urlPathEqualTo(base + "/c-cr/credit-returns")).withRequestBody(equalToJson("""
                        {"creditNoteId":"%s","invoiceId":"%s","amount":"99.00","consumption":"0.00"}"""
                        .formatted(note, feb.id))));

        // the rest (0.01) can be credited too, and then nothing more: never above what the invoice billed
        creditNote(feb, "{\"reason\":\"rest\",\"lines\":[{\"position\":2}]}").statusCode(201)
                .body("total", is("0.00")).body("creditsReturned", is("0.01"));
        creditNote(feb, "{\"reason\":\"again\",\"lines\":[{\"position\":1,\"amount\":\"0.01\"}]}").statusCode(422)
                .body("code", is("credit_note_invalid"));
        BigDecimal returned = QuarkusTransaction.requiringNew().call(() -> em.createQuery(
                "select sum(n.creditsReturned) from Invoice n where n.correctsInvoiceId = :o", BigDecimal.class)
                .setParameter("o", feb.id).getSingleResult());
        assertEquals(0, returned.compareTo(feb.creditsApplied));
    }

    @Test
    void aDrawdownContractServiceRefusesIsAPermanentFailureOperatorsSee() {
        at("2026-03-02T03:00:00Z", MAR, "2026-04-01T00:00:00Z");
        terms("150.00");
        fx.reservation("c-cr", RES_FEB, "99.010000000000");
        closer.close(org, Instant.parse("2026-03-02T00:00:00Z"));
        Invoice feb = fx.invoice(FEB);
        RunFixture.n().stubFor(post(urlPathEqualTo(base + "/c-cr/drawdowns")).willReturn(aResponse().withStatus(422)
                .withHeader("Content-Type", "application/problem+json")
                .withBody("{\"status\":422,\"code\":\"insufficient_credits\",\"title\":\"Unprocessable request\"}")));
        delivery.deliverDue(100);
        OutboxEntry entry = drawdownOf(feb);
        assertEquals(OutboxStatus.FAILED, entry.status);
        assertEquals(1, entry.attempts);
        RunFixture.n().verify(1, postRequestedFor(urlPathEqualTo(base + "/c-cr/drawdowns")));
        given().header("Authorization", TestTokens.as(Roles.PLATFORM_OPERATOR).bearer())
                .when().get("/v1/operator/failed-deliveries").then().statusCode(200)
                .body("find { it.invoiceId == '%s' }.lastError".formatted(feb.id),
                        containsString("insufficient_credits"))
                .body("kind", hasItem("contract_drawdown"));
    }

    // ---- stand-ins

    private void at(String now, String start, String end) {
        clock.set(Instant.parse(now));
        fx.subscriptionPro("active", start, end);
    }

    private void terms(String balance) {
        RunFixture.n().stubFor(get(urlPathEqualTo(base + "/terms")).atPriority(5).willReturn(okJson("""
                {"contractId":"c-cr","version":1,"currency":"USD","termStart":"2026-01-01T00:00:00Z",
                 "termEnd":"2027-01-01T00:00:00Z","commitment":null,"negotiatedRates":[],
                 "prepaidCreditBalance":{"amount":"%s","currency":"USD"},"minimums":[]}""".formatted(balance))));
    }

    /** contract-service answers nothing but 503 until the returned stubs are removed. */
    private List<StubMapping> down() {
        return List.of(
                RunFixture.n().stubFor(
                        get(urlPathMatching(base + "/.*")).atPriority(1).willReturn(aResponse().withStatus(503))),
                RunFixture.n().stubFor(
                        post(urlPathMatching(base + "/.*")).atPriority(1).willReturn(aResponse().withStatus(503))),
                RunFixture.n().stubFor(
                        put(urlPathMatching(base + "/.*")).atPriority(1).willReturn(aResponse().withStatus(503))));
    }

    private io.restassured.response.ValidatableResponse creditNote(Invoice invoice, String body) {
        return given().header("Authorization", TestTokens.as(Roles.PLATFORM_OPERATOR).bearer())
                .contentType(ContentType.JSON).body(body)
                .when().post("/v1/orgs/{org}/invoices/{id}/credit-notes", org, invoice.id).then();
    }

    private long count(String start) {
        return QuarkusTransaction.requiringNew().call(() -> em.createQuery(
                "select count(i) from Invoice i where i.orgId = :o and i.periodStart = :s", Long.class)
                .setParameter("o", org).setParameter("s", Instant.parse(start)).getSingleResult());
    }

    private OutboxEntry drawdownOf(Invoice invoice) {
        return QuarkusTransaction.requiringNew().call(() -> em.createQuery(
                "select e from OutboxEntry e where e.invoiceId = :i and e.kind = 'contract_drawdown'",
                OutboxEntry.class).setParameter("i", invoice.id).getSingleResult());
    }

}
