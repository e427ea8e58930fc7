package io.accrue.invoice.minimum;

import static com.github.tomakehurst.wiremock.client.WireMock.equalToJson;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.matching;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.put;
import static com.github.tomakehurst.wiremock.client.WireMock.putRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.contains;
import static org.hamcrest.Matchers.equalTo;

import java.time.Instant;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicLong;

import jakarta.inject.Inject;
import jakarta.persistence.EntityManager;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import com.github.tomakehurst.wiremock.WireMockServer;

import io.accrue.common.security.Roles;
import io.accrue.common.time.AdjustableClock;
import io.accrue.invoice.StandInsResource;
import io.accrue.invoice.invoices.Invoice;
import io.accrue.invoice.run.BillingRunService;
import io.accrue.invoice.run.BillingRunWorker;
import io.accrue.invoice.run.Neighbours;
import io.accrue.testing.TestTokens;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.test.junit.QuarkusTest;
import io.smallrye.faulttolerance.api.CircuitBreakerMaintenance;

/**
 * Contract minimum spend over two closes (billing-rules "Invoices", rule 8a): a monthly minimum tops up each
 * month, a two-month window is topped up by the invoice that ends it, counting what February charged and the
 * monthly top-ups, never its own kind; prepaid credits then pay part of it.
 */
@QuarkusTest
class MinimumsRunTest {

    static final Instant NOW = Instant.parse("2026-03-15T10:00:00Z");
    private static final AtomicLong AS_OF = new AtomicLong();

    @Inject
    BillingRunService runs;
    @Inject
    BillingRunWorker worker;
    @Inject
    EntityManager em;
    @Inject
    AdjustableClock clock;
    @Inject
    CircuitBreakerMaintenance breakers;

    private String org;

    /** The credit reservation of the account-period March 2026 (ContractRecords.reservationReference). */
    static final String RES_MAR = "period-1772323200-1775001600";

    @BeforeEach
    void reset() {
        breakers.resetAll();
        Neighbours.reset();
        org = "min-" + UUID.randomUUID().toString().substring(0, 8);
        Neighbours.accounts(List.of(org));
    }

    @AfterEach
    void restoreClock() {
        clock.set(NOW);
    }

    @Test
    void monthlyAndWindowMinimumsAcrossTwoCloses() {
        // February: Pro 99.00, within allowances; monthly minimum 150 → top-up 51.00; the window runs on
        Neighbours.proAccount(org, 500_000, 10);
        terms("2026-02", "2026-02-01T00:00:00Z", "2026-03-01T00:00:00Z", "0");
        close(Instant.parse("2026-03-08T00:00:00Z")); // a run is unique per as-of: one no other test class uses
        assertLines(Instant.parse("2026-02-01T00:00:00Z"), List.of("base_fee", "minimum_top_up"),
                List.of("99.00", "51.00"), "150.00");

        // March: the same; the quarterly window [Feb, Apr) ends: 500 − (99 + 51) − (99 + 51) = 200.00, then
        // 120.00 of prepaid credits pay part of what is owed
        clock.set(Instant.parse("2026-04-08T01:00:00Z"));
        subscription("2026-03-01T00:00:00Z", "2026-04-01T00:00:00Z");
        terms("2026-03", "2026-03-01T00:00:00Z", "2026-04-01T00:00:00Z", "120");
        // the credits are reserved at contract-service before the invoice is final, sized after the top-ups
        n().stubFor(put(urlPathEqualTo("/v1/orgs/" + org + "/contracts/c-min/credit-reservations/" + RES_MAR))
                .willReturn(okJson("""
                        {"reference":"%s","contractId":"c-min","amount":{"amount":"120.000000000000","currency":"USD"},
                         "status":"held"}""".formatted(RES_MAR))));
        close(Instant.parse("2026-04-08T00:00:00Z"));
        n().verify(
                putRequestedFor(urlPathEqualTo("/v1/orgs/" + org + "/contracts/c-min/credit-reservations/" + RES_MAR))
                        .withRequestBody(equalToJson("{\"upTo\":\"350.00\"}")));
        clock.set(NOW);
        assertLines(Instant.parse("2026-03-01T00:00:00Z"),
                List.of("base_fee", "minimum_top_up", "minimum_top_up", "prepaid_credit"),
                List.of("99.00", "51.00", "200.00", "-120.00"), "230.00");
    }

    private void terms(String month, String monthStart, String monthEnd, String credits) {
        n().stubFor(get(urlPathEqualTo("/v1/orgs/" + org + "/contracts/terms"))
                .withQueryParam("at", matching(month + "-01T00:00.*")).willReturn(okJson("""
                        {"contractId":"c-min","version":1,"currency":"USD","termStart":"2026-02-01T00:00:00Z",
                         "termEnd":"2026-04-01T00:00:00Z","commitment":null,"negotiatedRates":[],
                         "prepaidCreditBalance":{"amount":"%s","currency":"USD"},
                         "minimums":[{"period":"quarterly","amount":{"amount":"500.000000000000","currency":"USD"},
                                      "periodStart":"2026-02-01T00:00:00Z","periodEnd":"2026-04-01T00:00:00Z"},
                                     {"period":"monthly","amount":{"amount":"150.000000000000","currency":"USD"},
                                      "periodStart":"%s","periodEnd":"%s"}]}""".formatted(credits, monthStart,
                        monthEnd))));
    }

    private void subscription(String start, String end) {
        n().stubFor(get(urlPathEqualTo("/v1/accounts/" + org + "/subscription")).willReturn(okJson("""
                {"status":"active","currentPeriodStart":"%s","currentPeriodEnd":"%s","cancelAtPeriodEnd":false,
                 "currency":"USD","plan":%s}""".formatted(start, end, Neighbours.PRO_PLAN))));
    }

    private void close(Instant asOf) {
        var run = runs.start(asOf.plusSeconds(AS_OF.incrementAndGet()), "test");
        worker.drive(run.id(), Integer.MAX_VALUE);
    }

    private void assertLines(Instant periodStart, List<String> types, List<String> amounts, String total) {
        Invoice invoice = QuarkusTransaction.requiringNew().call(() -> em.createQuery(
                "select i from Invoice i where i.orgId = :o and i.periodStart = :s", Invoice.class)
                .setParameter("o", org).setParameter("s", periodStart).getSingleResult());
        given().header("Authorization", TestTokens.bearer(org, Roles.OWNER))
                .when().get("/v1/orgs/{org}/invoices/{id}", org, invoice.id).then().statusCode(200)
                .body("lines.type", contains(types.toArray()))
                .body("lines.amount", contains(amounts.toArray()))
                .body("total", equalTo(total));
    }

    private static WireMockServer n() {
        return StandInsResource.neighbours();
    }
}
