package io.accrue.invoice.run;

import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.contains;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.is;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.math.BigDecimal;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CompletableFuture;

import jakarta.inject.Inject;
import jakarta.persistence.EntityManager;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import io.accrue.common.security.Roles;
import io.accrue.common.time.AdjustableClock;
import io.accrue.invoice.correction.TimelineCorrections;
import io.accrue.invoice.invoices.Invoice;
import io.accrue.testing.TestTokens;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.test.junit.QuarkusTest;

/**
 * Issue 13, points 8 and 9 through a billing run: usage priced by the plan in effect when it occurred (one usage
 * read per plan segment), and a cancellation recorded after its period was invoiced corrected by one credit note.
 */
@QuarkusTest
class TimelineTruthRunTest {

    static final String BIG_PLAN = """
            {"slug":"big","version":1,"name":"Big","tier":"business","billingModel":"tiered","interval":"month",
             "basePrice":{"amount":"500.00","currency":"USD"},"allowances":{"llm_tokens":100000000},
             "overage":[{"meter":"llm_tokens","packageSize":1000,"tiers":[
                 {"upTo":10000000,"unitAmount":"0.003"},{"upTo":null,"unitAmount":"0.002"}]}]}""";

    @Inject
    TimelineCorrections corrections;
    @Inject
    EntityManager em;
    @Inject
    AdjustableClock clock;

    private RunFixture fx;
    private String org;

    @BeforeEach
    void reset() {
        fx = RunFixture.fresh("tl");
        org = fx.org;
        Neighbours.accounts(List.of(org));
        RunFixture.n().stubFor(get(urlPathEqualTo("/v1/plans/big/versions/1")).willReturn(okJson(BIG_PLAN)));
        RunFixture.n().stubFor(get(urlPathEqualTo("/v1/accounts/" + org)).willReturn(okJson("""
                {"orgId":"%s","name":"Acme","currency":"USD","timeZone":"UTC","planSlug":"big","stripeCustomerId":null,
                 "meteredEnabled":false,"createdAt":"2025-12-01T00:00:00Z"}""".formatted(org))));
    }

    @AfterEach
    void restoreClock() {
        clock.set(RunFixture.NOW);
    }

    @Test
    void fiftyMillionTokensOnTheCheapPlanThenALastDayUpgradeOweTheCheapPlansOverage() {
        subscription("active", "big", 1);
        fx.events("""
                {"id":"e1","type":"created","occurredAt":"2025-12-01T00:00:00Z","effectiveAt":"2025-12-01T00:00:00Z",
                 "planSlug":"pro","planVersion":3,"toStatus":"active","currency":"USD"},
                {"id":"e2","type":"upgraded","occurredAt":"2026-02-28T00:00:00Z","effectiveAt":"2026-02-28T00:00:00Z",
                 "planSlug":"big","planVersion":1,"currency":"USD"}""");
        usage("2026-02-01T00:00:00Z", "2026-02-28T00:00:00Z", 50_000_000);
        usage("2026-02-28T00:00:00Z", "2026-03-01T00:00:00Z", 0);

        fx.close(Instant.parse("2026-03-10T00:00:00Z"));
        Invoice invoice = invoices().get(0);
        // pro 99 × 27/28 = 95.46, big 500 × 1/28 = 17.86; 49 M over pro's 1 M at pro's tiers: 30.00 + 78.00.
        // (priced at the plan of the period's end, as before, it was 113.32: no overage at all)
        given().header("Authorization", TestTokens.bearer(org, Roles.OWNER))
                .when().get("/v1/orgs/{org}/invoices/{id}", org, invoice.id)
                .then().statusCode(200)
                .body("lines.type", contains("base_fee", "base_fee", "overage", "overage"))
                .body("lines.amount", contains("95.46", "17.86", "30.00", "78.00"))
                .body("lines[2].periodEnd", is("2026-02-28T00:00:00Z"))
                .body("lines[2].description", containsString("pro plan"))
                .body("total", is("221.32"));
    }

    @Test
    void aCancellationRecordedAfterItsPeriodWasInvoicedIsCreditedOnce() {
        subscription("active", "pro", 3);
        String created = """
                {"id":"e1","type":"created","occurredAt":"2025-12-01T00:00:00Z","effectiveAt":"2025-12-01T00:00:00Z",
                 "planSlug":"pro","planVersion":3,"toStatus":"active","currency":"USD"}""";
        fx.events(created);
        usage("2026-02-01T00:00:00Z", "2026-03-01T00:00:00Z", 0);
        fx.close(Instant.parse("2026-03-10T00:00:00Z"));
        assertEquals(1, invoices().size());
        assertEquals(new BigDecimal("99.0000"), invoices().get(0).total);

        // dunning catches up on 03-20: the subscription was canceled on 02-15, inside the invoiced February
        clock.set(Instant.parse("2026-03-20T00:00:00Z"));
        subscription("canceled", "pro", 3);
        fx.events(created + """
                ,{"id":"e2","type":"status_changed","occurredAt":"2026-03-20T00:00:00Z",
                 "effectiveAt":"2026-02-15T00:00:00Z","planSlug":"pro","planVersion":3,"fromStatus":"suspended",
                 "toStatus":"canceled","currency":"USD"}""");
        fx.close(Instant.parse("2026-03-19T00:00:00Z"));

        List<Invoice> all = invoices();
        assertEquals(2, all.size(), "the invoice and one credit note");
        Invoice note = all.get(1);
        assertEquals(Invoice.KIND_CREDIT_NOTE, note.kind);
        assertEquals(all.get(0).id, note.correctsInvoiceId);
        // 99 owed for 14 of 28 days: 49.50 given back
        assertEquals(new BigDecimal("-49.5000"), note.total);
        given().header("Authorization", TestTokens.bearer(org, Roles.OWNER))
                .when().get("/v1/orgs/{org}/invoices/{id}", org, note.id)
                .then().statusCode(200)
                .body("lines.amount", contains("-49.50"))
                .body("lines[0].description", containsString("canceled effective 2026-02-15T00:00:00Z"));

        // the next run, a replay and two racing corrections change nothing
        fx.close(Instant.parse("2026-03-19T00:00:00Z"));
        var a = CompletableFuture.supplyAsync(() -> corrections.correct(org));
        var b = CompletableFuture.supplyAsync(() -> corrections.correct(org));
        assertEquals(0, a.join() + b.join());
        assertEquals(2, invoices().size());
    }

    @Test
    void racingCorrectionsIssueTheCreditNoteExactlyOnce() {
        subscription("active", "pro", 3);
        String created = """
                {"id":"e1","type":"created","occurredAt":"2025-12-01T00:00:00Z","effectiveAt":"2025-12-01T00:00:00Z",
                 "planSlug":"pro","planVersion":3,"toStatus":"active","currency":"USD"}""";
        fx.events(created);
        usage("2026-02-01T00:00:00Z", "2026-03-01T00:00:00Z", 0);
        fx.close(Instant.parse("2026-03-10T00:00:00Z"));

        clock.set(Instant.parse("2026-03-20T00:00:00Z"));
        fx.events(created + """
                ,{"id":"e2","type":"canceled","occurredAt":"2026-03-20T00:00:00Z",
                 "effectiveAt":"2026-02-22T00:00:00Z","planSlug":"pro","planVersion":3,"fromStatus":"active",
                 "toStatus":"canceled","currency":"USD"}""");
        var a = CompletableFuture.supplyAsync(() -> corrections.correct(org));
        var b = CompletableFuture.supplyAsync(() -> corrections.correct(org));
        assertEquals(1, a.join() + b.join());
        List<Invoice> all = invoices();
        assertEquals(2, all.size());
        // 99 × 21/28 = 74.25 still owed: 24.75 back
        assertEquals(new BigDecimal("-24.7500"), all.get(1).total);
    }

    private void subscription(String status, String plan, int version) {
        RunFixture.n().stubFor(get(urlPathEqualTo("/v1/accounts/" + org + "/subscription")).willReturn(okJson("""
                {"status":"%s","currentPeriodStart":"2026-02-01T00:00:00Z","currentPeriodEnd":"2026-03-01T00:00:00Z",
                 "cancelAtPeriodEnd":false,"currency":"USD","plan":{"slug":"%s","version":%d,"interval":"month",
                 "billingModel":"tiered"}}""".formatted(status, plan, version))));
    }

    private void usage(String from, String to, long tokens) {
        RunFixture.n()
                .stubFor(get(urlPathEqualTo("/v1/orgs/" + org + "/usage/summary")).withQueryParam("from", equalTo(from))
                        .withQueryParam("to", equalTo(to)).willReturn(
                                okJson("""
                                        {"orgId":"%s","environment":"live","currency":"USD","totals":{"totalTokens":%d,"requests":1,
                                         "agentSessions":0,"toolCalls":0,"cost":"0","revenue":"0","unpricedEvents":0}}"""
                                        .formatted(org, tokens))));
    }

    private List<Invoice> invoices() {
        return QuarkusTransaction.requiringNew().call(() -> em.createQuery(
                "select i from Invoice i where i.orgId = :o order by i.kind desc, i.createdAt", Invoice.class)
                .setParameter("o", org).getResultList());
    }

}
