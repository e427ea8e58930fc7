package io.accrue.invoice.correction;

import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.matching;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.contains;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.is;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

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
import io.accrue.invoice.StandInsResource;
import io.accrue.invoice.invoices.Invoice;
import io.accrue.invoice.outbox.OutboxDelivery;
import io.accrue.invoice.run.Neighbours;
import io.accrue.invoice.run.RunFixture;
import io.accrue.testing.TestTokens;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.test.junit.QuarkusTest;

/**
 * Billing-rules "Invoices" rule 12a, the increase side: a late timeline change (an upgrade recorded after its
 * period was invoiced) that makes a settled period cost more is charged by one supplementary invoice — the exact
 * difference, net of the minimum top-ups it lowers, numbered in the invoice series, once whatever reruns or races,
 * pushed to Stripe and exported. A reduction is still a credit note.
 */
@QuarkusTest
class LateDebitCorrectionTest {

    static final String BIG_PLAN = """
            {"slug":"big","version":1,"name":"Big","tier":"business","billingModel":"tiered","interval":"month",
             "basePrice":{"amount":"500.00","currency":"USD"},"allowances":{"llm_tokens":100000000},"overage":[]}""";
    static final String CREATED = """
            {"id":"e1","type":"created","occurredAt":"2025-12-01T00:00:00Z","effectiveAt":"2025-12-01T00:00:00Z",
             "planSlug":"pro","planVersion":3,"toStatus":"active","currency":"USD"}""";
    /** Recorded on 03-20, effective 02-15: the second half of the invoiced February was on Big. */
    static final String LATE_UPGRADE = """
            ,{"id":"e2","type":"upgraded","occurredAt":"2026-03-20T00:00:00Z","effectiveAt":"2026-02-15T00:00:00Z",
             "planSlug":"big","planVersion":1,"currency":"USD"}""";

    @Inject
    TimelineCorrections corrections;
    @Inject
    OutboxDelivery delivery;
    @Inject
    EntityManager em;
    @Inject
    AdjustableClock clock;

    private RunFixture fx;
    private String org;

    @BeforeEach
    void reset() {
        fx = RunFixture.fresh("debit");
        org = fx.org;
        Neighbours.accounts(List.of(org));
        RunFixture.n().stubFor(get(urlPathEqualTo("/v1/plans/big/versions/1")).willReturn(okJson(BIG_PLAN)));
        Neighbours.proAccount(org, 0, 0);
        fx.events(CREATED);
    }

    @AfterEach
    void restoreClock() {
        clock.set(RunFixture.NOW);
    }

    @Test
    void anUpgradeLandingAfterThePeriodWasInvoicedIsChargedOnceByASupplementaryInvoice() {
        fx.close(Instant.parse("2026-03-11T00:00:00Z"));
        Invoice february = fx.invoice(RunFixture.FEB);
        assertEquals(new BigDecimal("99.0000"), february.total);

        lateUpgrade();
        long before = lastInvoiceNumber();
        fx.close(Instant.parse("2026-03-19T00:00:00Z"));

        List<Invoice> supplements = supplements();
        assertEquals(1, supplements.size());
        Invoice supplement = supplements.get(0);
        assertEquals(february.id, supplement.correctsInvoiceId);
        // Pro 99 × 14/28 = 49.50 plus Big 500 × 14/28 = 250.00 is owed; 99.00 was billed: 200.50 more
        assertEquals(new BigDecimal("200.5000"), supplement.total);
        // the same gapless sequence as every invoice: the next number, nothing skipped
        assertEquals("INV-%06d".formatted(before + 1), supplement.number);
        assertEquals("open", supplement.status.wire());
        given().header("Authorization", TestTokens.bearer(org, Roles.OWNER))
                .when().get("/v1/orgs/{org}/invoices/{id}", org, supplement.id)
                .then().statusCode(200)
                .body("kind", is("supplementary"))
                .body("correctsInvoiceId", is(february.id.toString()))
                .body("lines.type", contains("base_fee"))
                .body("lines.amount", contains("200.50"))
                .body("lines[0].description", containsString("plan big v1 effective 2026-02-15T00:00:00Z"))
                .body("lines[0].description", containsString("supplements invoice " + february.number));

        // the next run, a replay and two racing corrections charge nothing more
        fx.close(Instant.parse("2026-03-19T00:00:00Z"));
        var a = CompletableFuture.supplyAsync(() -> corrections.correct(org));
        var b = CompletableFuture.supplyAsync(() -> corrections.correct(org));
        assertEquals(0, a.join() + b.join());
        assertEquals(1, supplements().size());
        assertEquals(0, creditNotes().size());
        assertEquals(before + 1, lastInvoiceNumber());

        // the export lists it next to the invoice it supplements
        stubExportNeighbours();
        given().header("Authorization", TestTokens.bearer(org, Roles.OWNER))
                .when().get("/v1/orgs/{org}/billing-export", org)
                .then().statusCode(200)
                .body("invoices.kind", contains("invoice", "supplementary"))
                .body("invoices[1].number", is(supplement.number))
                .body("invoices[1].correctsInvoiceId", is(february.id.toString()))
                .body("invoices[1].total", is("200.50"));
    }

    @Test
    void theSupplementaryInvoiceIsPushedToStripeLikeAnyInvoice() {
        fx.close(Instant.parse("2026-03-12T00:00:00Z"));
        lateUpgrade();
        fx.close(Instant.parse("2026-03-19T00:00:00Z"));
        Invoice supplement = supplements().get(0);
        assertEquals("cus_" + org.replace("-", ""), supplement.stripeCustomerId);

        // only this organisation's entries are due: the others (other tests' rows) are out of the way
        QuarkusTransaction.requiringNew().run(() -> em.createNativeQuery(
                "UPDATE outbox SET status = 'delivered' WHERE invoice_id IS DISTINCT FROM ?1")
                .setParameter(1, supplement.id).executeUpdate());
        var stripe = StandInsResource.stripe();
        stripe.resetAll();
        String body = "{\"id\":\"in_sup_1\",\"object\":\"invoice\",\"status\":\"draft\",\"currency\":\"usd\"}";
        stripe.stubFor(post(urlPathEqualTo("/v1/invoices")).willReturn(okJson(body)));
        stripe.stubFor(post(urlPathEqualTo("/v1/invoiceitems"))
                .willReturn(okJson("{\"id\":\"ii_sup_1\",\"object\":\"invoiceitem\",\"invoice\":\"in_sup_1\"}")));
        stripe.stubFor(post(urlPathEqualTo("/v1/invoices/in_sup_1/finalize"))
                .willReturn(okJson(body.replace("draft", "open"))));

        assertEquals(1, delivery.deliverDue(10));
        stripe.verify(1, postRequestedFor(urlPathEqualTo("/v1/invoices"))
                .withHeader("Idempotency-Key", matching("accrue-invoice-" + supplement.id + "-invoice")));
        stripe.verify(1, postRequestedFor(urlPathEqualTo("/v1/invoiceitems"))
                .withRequestBody(matching(".*amount=20050.*")));
        stripe.verify(1, postRequestedFor(urlPathEqualTo("/v1/invoices/in_sup_1/finalize")));
        assertTrue(stripe.findAllUnmatchedRequests().isEmpty(), "every request of the push has a mapping");
        assertEquals("in_sup_1", reload(supplement).stripeInvoiceId);
    }

    @Test
    void aMinimumTopUpTheIncreaseLowersIsNettedOff() {
        // February: Pro 99.00 and a monthly minimum of 150.00: topped up by 51.00
        contractWithMonthlyMinimum("150");
        fx.close(Instant.parse("2026-03-13T00:00:00Z"));
        fx.lines(RunFixture.FEB, List.of("base_fee", "minimum_top_up"), List.of("99.00", "51.00"), "150.00");

        lateUpgrade();
        fx.close(Instant.parse("2026-03-19T00:00:00Z"));
        // 299.50 is now charged toward the 150.00 minimum: the 51.00 top-up is no longer owed; 200.50 − 51.00
        Invoice supplement = supplements().get(0);
        assertEquals(new BigDecimal("149.5000"), supplement.total);
        given().header("Authorization", TestTokens.bearer(org, Roles.OWNER))
                .when().get("/v1/orgs/{org}/invoices/{id}", org, supplement.id)
                .then().statusCode(200)
                .body("lines.type", contains("base_fee", "minimum_top_up"))
                .body("lines.amount", contains("200.50", "-51.00"))
                .body("lines[1].description", containsString("monthly minimum top-up no longer owed"));
        // a rerun: nothing more
        assertEquals(0, corrections.correct(org));
        assertEquals(1, supplements().size());
    }

    @Test
    void anIncreaseTheMinimumAbsorbsWhollyIsRecordedWithoutAnInvoice() {
        // February: 99.00 + a 301.00 top-up to a 400.00 minimum; the 200.50 increase only lowers the top-up
        contractWithMonthlyMinimum("400");
        fx.close(Instant.parse("2026-03-14T00:00:00Z"));
        fx.lines(RunFixture.FEB, List.of("base_fee", "minimum_top_up"), List.of("99.00", "301.00"), "400.00");

        lateUpgrade();
        fx.close(Instant.parse("2026-03-19T00:00:00Z"));
        assertEquals(0, supplements().size());
        TimelineCorrectionEntry entry = QuarkusTransaction.requiringNew().call(() -> em.createQuery(
                "select c from TimelineCorrectionEntry c where c.orgId = :o", TimelineCorrectionEntry.class)
                .setParameter("o", org).getSingleResult());
        assertEquals(0, entry.baseFeeReduction.compareTo(new BigDecimal("-200.50")));
        assertEquals(0, entry.debited.signum());
        assertNull(entry.supplementaryInvoiceId);
        assertEquals(0, corrections.correct(org), "recorded once");
    }

    @Test
    void aDecreaseIsStillACreditNote() {
        fx.close(Instant.parse("2026-03-15T00:00:00Z"));
        clock.set(Instant.parse("2026-03-20T00:00:00Z"));
        fx.events(CREATED + """
                ,{"id":"e2","type":"status_changed","occurredAt":"2026-03-20T00:00:00Z",
                 "effectiveAt":"2026-02-15T00:00:00Z","planSlug":"pro","planVersion":3,"fromStatus":"active",
                 "toStatus":"canceled","currency":"USD"}""");
        fx.close(Instant.parse("2026-03-19T00:00:00Z"));
        assertEquals(0, supplements().size());
        List<Invoice> notes = creditNotes();
        assertEquals(1, notes.size());
        assertEquals(new BigDecimal("-49.5000"), notes.get(0).total);
    }

    @Test
    void aLateCancellationAfterALateUpgradeCreditsTheSupplementaryInvoice() {
        fx.close(Instant.parse("2026-03-11T00:00:00Z"));
        Invoice february = fx.invoice(RunFixture.FEB);
        lateUpgrade();
        fx.close(Instant.parse("2026-03-19T00:00:00Z"));
        Invoice supplement = supplements().get(0);
        assertEquals(new BigDecimal("200.5000"), supplement.total);

        // canceled from 02-22 (recorded 03-21): Pro 99 × 14/28 = 49.50 plus Big 500 × 7/28 = 125.00 is owed now;
        // 99.00 + 200.50 was billed: 125.00 back, all of it from the supplementary invoice that charged Big
        lateCancellation("2026-02-22T00:00:00Z", "big", 1);
        fx.close(Instant.parse("2026-03-19T00:00:00Z"));
        List<Invoice> notes = creditNotes();
        assertEquals(1, notes.size());
        assertEquals(supplement.id, notes.get(0).correctsInvoiceId);
        assertEquals(new BigDecimal("-125.0000"), notes.get(0).total);
        assertEquals(1, supplements().size(), "no second supplementary invoice");
        // a rerun and a racing correction change nothing
        var a = CompletableFuture.supplyAsync(() -> corrections.correct(org));
        var b = CompletableFuture.supplyAsync(() -> corrections.correct(org));
        assertEquals(0, a.join() + b.join());
        assertEquals(1, creditNotes().size());
        assertEquals(0, billedBaseFee(february).compareTo(new BigDecimal("174.50")));
    }

    @Test
    void aLateCancellationBeforeALateUpgradeCreditsBothInvoicesNewestFirst() {
        fx.close(Instant.parse("2026-03-11T00:00:00Z"));
        Invoice february = fx.invoice(RunFixture.FEB);
        lateUpgrade();
        fx.close(Instant.parse("2026-03-19T00:00:00Z"));
        Invoice supplement = supplements().get(0);

        // canceled from 02-08 (recorded 03-21), before the upgrade took effect: Pro 99 × 7/28 = 24.75 is owed;
        // 299.50 was billed: 274.75 back — the supplementary invoice's 200.50 whole, then 74.25 of February's
        lateCancellation("2026-02-08T00:00:00Z", "pro", 3);
        fx.close(Instant.parse("2026-03-19T00:00:00Z"));
        List<Invoice> notes = creditNotes();
        assertEquals(2, notes.size(), "one credit note per invoice credited");
        Invoice onSupplement = notes.stream().filter(n -> n.correctsInvoiceId.equals(supplement.id)).findFirst()
                .orElseThrow();
        Invoice onFebruary = notes.stream().filter(n -> n.correctsInvoiceId.equals(february.id)).findFirst()
                .orElseThrow();
        assertEquals(new BigDecimal("-200.5000"), onSupplement.total);
        assertEquals(new BigDecimal("-74.2500"), onFebruary.total);
        assertEquals(0, corrections.correct(org), "recorded once");
        assertEquals(2, creditNotes().size());
        assertEquals(0, billedBaseFee(february).compareTo(new BigDecimal("24.75")));
        assertEquals(1, supplements().size());
    }

    // ---- helpers

    private void lateUpgrade() {
        clock.set(Instant.parse("2026-03-20T00:00:00Z"));
        fx.events(CREATED + LATE_UPGRADE);
    }

    private void lateCancellation(String effectiveAt, String plan, int version) {
        clock.set(Instant.parse("2026-03-21T00:00:00Z"));
        fx.events(CREATED + LATE_UPGRADE + """
                ,{"id":"e3","type":"status_changed","occurredAt":"2026-03-21T00:00:00Z",
                 "effectiveAt":"%s","planSlug":"%s","planVersion":%d,"fromStatus":"active",
                 "toStatus":"canceled","currency":"USD"}""".formatted(effectiveAt, plan, version));
    }

    /** February's base fee as billed now: its own lines and its supplementary invoices', less every credit note. */
    private BigDecimal billedBaseFee(Invoice february) {
        return QuarkusTransaction.requiringNew().call(() -> (BigDecimal) em.createNativeQuery("""
                SELECT coalesce(sum(l.amount), 0) FROM invoice_lines l JOIN invoices i ON i.id = l.invoice_id
                WHERE (l.type = 'base_fee' AND (i.id = ?1 OR i.corrects_invoice_id = ?1 AND i.kind = 'supplementary'))
                   OR (l.type = 'credit_note' AND (i.corrects_invoice_id = ?1
                       OR i.corrects_invoice_id IN (SELECT s.id FROM invoices s WHERE s.corrects_invoice_id = ?1)))""")
                .setParameter(1, february.id).getSingleResult());
    }

    private void contractWithMonthlyMinimum(String amount) {
        RunFixture.n().stubFor(get(urlPathEqualTo("/v1/orgs/" + org + "/contracts/terms"))
                .withQueryParam("at", matching("2026-02-.*")).willReturn(okJson("""
                        {"contractId":"c-debit","version":1,"currency":"USD","termStart":"2026-02-01T00:00:00Z",
                         "termEnd":"2026-03-01T00:00:00Z","commitment":null,"negotiatedRates":[],
                         "prepaidCreditBalance":{"amount":"0","currency":"USD"},
                         "minimums":[{"period":"monthly","amount":{"amount":"%s","currency":"USD"},
                                      "periodStart":"2026-02-01T00:00:00Z","periodEnd":"2026-03-01T00:00:00Z"}]}"""
                        .formatted(amount))));
    }

    private void stubExportNeighbours() {
        var n = RunFixture.n();
        n.stubFor(get(urlPathEqualTo("/v1/orgs/" + org + "/contracts"))
                .willReturn(okJson("{\"items\":[],\"nextCursor\":null,\"hasMore\":false}")));
        n.stubFor(get(urlPathEqualTo("/v1/accounts/" + org + "/audit"))
                .willReturn(okJson("{\"items\":[],\"nextCursor\":null,\"hasMore\":false}")));
    }

    private long lastInvoiceNumber() {
        return QuarkusTransaction.requiringNew().call(() -> ((Number) em.createNativeQuery(
                "SELECT last_value FROM invoice_number_counters WHERE series = 'INV'").getSingleResult()).longValue());
    }

    private List<Invoice> supplements() {
        return ofKind(Invoice.KIND_SUPPLEMENTARY);
    }

    private List<Invoice> creditNotes() {
        return ofKind(Invoice.KIND_CREDIT_NOTE);
    }

    private List<Invoice> ofKind(String kind) {
        return QuarkusTransaction.requiringNew().call(() -> em.createQuery(
                "select i from Invoice i where i.orgId = :o and i.kind = :k order by i.createdAt", Invoice.class)
                .setParameter("o", org).setParameter("k", kind).getResultList());
    }

    private Invoice reload(Invoice i) {
        return QuarkusTransaction.requiringNew().call(() -> em.find(Invoice.class, i.id));
    }
}
