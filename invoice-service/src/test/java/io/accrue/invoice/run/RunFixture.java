package io.accrue.invoice.run;

import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.put;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.contains;
import static org.hamcrest.Matchers.is;

import java.time.Instant;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicLong;

import jakarta.persistence.EntityManager;

import com.github.tomakehurst.wiremock.WireMockServer;

import io.accrue.common.security.Roles;
import io.accrue.invoice.StandInsResource;
import io.accrue.invoice.invoices.Invoice;
import io.accrue.testing.TestTokens;
import io.quarkus.arc.Arc;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.smallrye.faulttolerance.api.CircuitBreakerMaintenance;

/**
 * The shared set-up of the billing-run tests: one fresh organisation, the neighbour stand-ins shaped as
 * docs/internal-apis.md describes them (on top of {@link Neighbours}), runs started at as-of instants no other run
 * uses, and the invoice reads and assertions those tests repeat. One per test ({@link #fresh}).
 */
public final class RunFixture {

    public static final Instant NOW = Instant.parse("2026-03-15T10:00:00Z");
    public static final String FEB = "2026-02-01T00:00:00Z";
    public static final String MAR = "2026-03-01T00:00:00Z";
    public static final String APR = "2026-04-01T00:00:00Z";
    /** The credit reservation references of February and March 2026 (ContractRecords.reservationReference). */
    public static final String RES_FEB = "period-1769904000-1772323200";
    public static final String RES_MAR = "period-1772323200-1775001600";

    /** A run is unique per as-of instant: every run a fixture starts is a second later than the last one. */
    private static final AtomicLong RUN_SECONDS = new AtomicLong();

    public final String org;
    /** contract-service's path prefix of the organisation. */
    public final String contracts;

    private RunFixture(String org) {
        this.org = org;
        this.contracts = "/v1/orgs/" + org + "/contracts";
    }

    /** Circuit breakers closed, the stand-ins reset to their defaults, a new organisation named {@code prefix-…}. */
    public static RunFixture fresh(String prefix) {
        Arc.container().instance(CircuitBreakerMaintenance.class).get().resetAll();
        Neighbours.reset();
        return new RunFixture(prefix + "-" + UUID.randomUUID().toString().substring(0, 8));
    }

    public static WireMockServer n() {
        return StandInsResource.neighbours();
    }

    // ---- stand-ins

    /** subscription-service's timeline of the organisation: the given event objects. */
    public void events(String items) {
        n().stubFor(get(urlPathEqualTo("/v1/accounts/" + org + "/subscription/events"))
                .willReturn(okJson("{\"items\":[" + items + "],\"hasMore\":false}")));
    }

    /** A USD subscription on Pro v3 ({@link Neighbours#PRO_PLAN}) whose current period is {@code [start, end)}. */
    public void subscriptionPro(String status, String start, String end) {
        n().stubFor(get(urlPathEqualTo("/v1/accounts/" + org + "/subscription")).willReturn(okJson("""
                {"status":"%s","currentPeriodStart":"%s","currentPeriodEnd":"%s","cancelAtPeriodEnd":false,
                 "currency":"USD","plan":%s}""".formatted(status, start, end, Neighbours.PRO_PLAN))));
    }

    /** usage-service's summary of the window starting at {@code from}: token counts only, no cost. */
    public void tokenUsage(String from, long tokens) {
        n().stubFor(get(urlPathEqualTo("/v1/orgs/" + org + "/usage/summary")).withQueryParam("from", equalTo(from))
                .willReturn(okJson("""
                        {"orgId":"%s","environment":"live","currency":"USD","totals":{"totalTokens":%d,"requests":1,
                         "agentSessions":0,"toolCalls":0,"cost":"0","revenue":"0","unpricedEvents":0},"byModel":[]}"""
                        .formatted(org, tokens))));
    }

    /** contract-service holds {@code amount} of the contract's credits under {@code reference}. */
    public void reservation(String contractId, String reference, String amount) {
        n().stubFor(put(urlPathEqualTo(contracts + "/" + contractId + "/credit-reservations/" + reference))
                .atPriority(5).willReturn(
                        okJson("""
                                {"reference":"%s","contractId":"%s","amount":{"amount":"%s","currency":"USD"},"status":"held"}"""
                                .formatted(reference, contractId, amount))));
    }

    // ---- runs

    /** Starts a billing run as of {@code asOf} (plus this fixture's own seconds) and drives it to its end. */
    public void close(Instant asOf) {
        BillingRunService runs = Arc.container().instance(BillingRunService.class).get();
        BillingRunWorker worker = Arc.container().instance(BillingRunWorker.class).get();
        var run = runs.start(asOf.plusSeconds(RUN_SECONDS.incrementAndGet()), "test");
        worker.drive(run.id(), Integer.MAX_VALUE);
    }

    // ---- invoices

    /** The organisation's invoices (not credit notes) of the period starting at {@code periodStart}. */
    public List<Invoice> invoices(Instant periodStart) {
        EntityManager em = Arc.container().instance(EntityManager.class).get();
        return QuarkusTransaction.requiringNew().call(() -> em.createQuery(
                "select i from Invoice i where i.orgId = :o and i.kind = 'invoice' and i.periodStart = :s",
                Invoice.class).setParameter("o", org).setParameter("s", periodStart).getResultList());
    }

    /** The one invoice of the period starting at {@code periodStart} (fails when there is none, or two). */
    public Invoice invoice(String periodStart) {
        List<Invoice> found = invoices(Instant.parse(periodStart));
        if (found.size() != 1) {
            throw new AssertionError("expected one invoice of " + periodStart + ", found " + found.size());
        }
        return found.get(0);
    }

    /** The invoice API shows the period's invoice with exactly these lines and total. */
    public void lines(String periodStart, List<String> types, List<String> amounts, String total) {
        given().header("Authorization", TestTokens.bearer(org, Roles.OWNER))
                .when().get("/v1/orgs/{org}/invoices/{id}", org, invoice(periodStart).id).then().statusCode(200)
                .body("lines.type", contains(types.toArray()))
                .body("lines.amount", contains(amounts.toArray()))
                .body("total", is(total));
    }
}
