package io.accrue.invoice.run;

import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.equalToJson;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.matching;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.put;
import static com.github.tomakehurst.wiremock.client.WireMock.putRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.contains;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.is;
import static org.hamcrest.Matchers.nullValue;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.UUID;

import jakarta.inject.Inject;
import jakarta.persistence.EntityManager;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import io.accrue.common.outbox.OutboxStatus;
import io.accrue.common.security.Roles;
import io.accrue.common.time.AdjustableClock;
import io.accrue.invoice.correction.TimelineCorrections;
import io.accrue.invoice.invoices.Invoice;
import io.accrue.invoice.outbox.OutboxDelivery;
import io.accrue.invoice.outbox.OutboxEntry;
import io.accrue.testing.TestTokens;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.smallrye.faulttolerance.api.CircuitBreakerMaintenance;

/**
 * Issue 13's features together, as one close sees them: the billed-through ledger with exchange rates and plan
 * segments, timeline corrections with the credit-note split and credit reservations, minimum top-ups with
 * reservations and late usage. Each part has its own tests; these are the seams between them.
 */
@QuarkusTest
class CrossFeatureRunTest {

    static final String FEB = RunFixture.FEB;
    static final String MAR = RunFixture.MAR;
    static final String RES_FEB = RunFixture.RES_FEB;
    static final String RES_MAR = RunFixture.RES_MAR;

    @Inject
    AccountCloser closer;
    @Inject
    TimelineCorrections corrections;
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
        fx = RunFixture.fresh("x");
        org = fx.org;
        base = fx.contracts;
    }

    @AfterEach
    void restoreClock() {
        clock.set(RunFixture.NOW);
        breakers.resetAll();
    }

    /**
     * An EUR account on cost-plus plans: May's close fails for want of a USD→EUR rate, still fails after June ends
     * (June waits behind it), then the operator records both months' rates. Both periods are invoiced once, in
     * order, each at its own period's rate — June's two plan segments both at June's rate, though no rate is
     * recorded near the day of its mid-period upgrade.
     */
    @Test
    void anEurCostPlusAccountWithoutARateAcrossTwoRolloversIsInvoicedOnceInOrderAtEachPeriodsRate() {
        account("EUR", "2026-05-01T00:00:00Z");
        plan("xf-payg", "pay_per_token", "0", "EUR");
        plan("xf-ent", "enterprise", "30.00", "EUR");
        String created = """
                {"id":"e1","type":"created","occurredAt":"2026-05-01T00:00:00Z","effectiveAt":"2026-05-01T00:00:00Z",
                 "planSlug":"xf-payg","planVersion":1,"toStatus":"active","currency":"EUR"}""";
        fx.events(created);
        costUsage("2026-05-01T00:00:00Z", "2026-06-01T00:00:00Z", "100.000000000000");
        costUsage("2026-06-01T00:00:00Z", "2026-06-10T00:00:00Z", "50.000000000000");
        costUsage("2026-06-10T00:00:00Z", "2026-07-01T00:00:00Z", "20.000000000000");

        // first rollover: May has ended, no rate into EUR is recorded for it
        clock.set(Instant.parse("2026-06-02T01:00:00Z"));
        subscription("EUR", "xf-payg", "pay_per_token", "2026-06-01T00:00:00Z", "2026-07-01T00:00:00Z");
        assertThrows(RuntimeException.class, () -> closer.close(org, Instant.parse("2026-06-02T00:00:00Z")));
        unbilled().body("size()", is(1)).body("[0].cause", is("exchange_rate_missing"))
                .body("[0].lastError", containsString("USD to EUR"));

        // second rollover: an upgrade on 10 June, June ends too; May still has no rate, June waits behind it
        clock.set(Instant.parse("2026-07-02T01:00:00Z"));
        fx.events(created + """
                ,{"id":"e2","type":"upgraded","occurredAt":"2026-06-10T00:00:00Z","effectiveAt":"2026-06-10T00:00:00Z",
                 "planSlug":"xf-ent","planVersion":1,"currency":"EUR"}""");
        subscription("EUR", "xf-ent", "enterprise", "2026-07-01T00:00:00Z", "2026-08-01T00:00:00Z");
        assertThrows(RuntimeException.class, () -> closer.close(org, Instant.parse("2026-07-02T00:00:00Z")));
        unbilled().body("size()", is(2)).body("periodStart", contains("2026-05-01T00:00:00Z", "2026-06-01T00:00:00Z"))
                .body("cause", contains("exchange_rate_missing", "waiting_for_earlier_period"));
        assertEquals(0, invoices().size());

        // the operator records May's rate (Friday 29 May: 31 May is a Sunday) and June's (30 June) only
        rate("2026-05-29", "0.900000000000");
        rate("2026-06-30", "0.950000000000");
        closer.close(org, Instant.parse("2026-07-02T00:00:00Z"));
        closer.close(org, Instant.parse("2026-07-02T00:00:00Z")); // a rerun finds both invoiced

        List<Invoice> all = invoices();
        assertEquals(2, all.size(), "one invoice per period");
        Invoice may = all.get(0);
        Invoice june = all.get(1);
        assertEquals(Instant.parse("2026-05-01T00:00:00Z"), may.periodStart);
        assertEquals(Instant.parse("2026-06-01T00:00:00Z"), june.periodStart);
        assertTrue(may.number.compareTo(june.number) < 0, may.number + " before " + june.number);
        String mayAmount = eur("100", "0.90");
        given().header("Authorization", TestTokens.bearer(org, Roles.OWNER))
                .when().get("/v1/orgs/{org}/invoices/{id}", org, may.id).then().statusCode(200)
                .body("currency", is("EUR")).body("lines.type", contains("llm_usage"))
                .body("lines.amount", contains(mayAmount)).body("lines[0].fx.rateDate", is("2026-05-29"))
                .body("total", is(mayAmount));
        // June: xf-ent's 30.00 for 21 of 30 days = 21.00; both windows' cost at June's 0.95, none at May's
        String w1 = eur("50", "0.95");
        String w2 = eur("20", "0.95");
        given().header("Authorization", TestTokens.bearer(org, Roles.OWNER))
                .when().get("/v1/orgs/{org}/invoices/{id}", org, june.id).then().statusCode(200)
                .body("lines.type", contains("base_fee", "llm_usage", "llm_usage"))
                .body("lines.amount", contains("21.00", w1, w2))
                .body("lines[0].fx", nullValue())
                .body("lines[1].fx.rateDate", is("2026-06-30")).body("lines[2].fx.rateDate", is("2026-06-30"))
                .body("total", is(new BigDecimal("21.00").add(new BigDecimal(w1)).add(new BigDecimal(w2))
                        .toPlainString()));
        unbilled().body("size()", is(0));
    }

    /**
     * A cancellation recorded after February was invoiced, on an invoice paid partly by prepaid credits: the
     * correction gives back money only up to what was paid in money; the rest returns to the credit balance at
     * contract-service (after the invoice's drawdown), never refunded as money that was never paid.
     */
    @Test
    void aLateCancellationOnAnInvoicePaidPartlyByCreditsRefundsMoneyThenReturnsCredits() {
        account("USD", "2026-02-01T00:00:00Z");
        String created = """
                {"id":"e1","type":"created","occurredAt":"2026-02-01T00:00:00Z","effectiveAt":"2026-02-01T00:00:00Z",
                 "planSlug":"pro","planVersion":3,"toStatus":"active","currency":"USD"}""";
        fx.events(created);
        fx.tokenUsage(FEB, 500_000);
        clock.set(Instant.parse("2026-03-02T03:00:00Z"));
        subscriptionPro("active");
        terms("c-x", "60.00", "[]", "2026-01-01T00:00:00Z");
        fx.reservation("c-x", RES_FEB, "60.000000000000");
        closer.close(org, Instant.parse("2026-03-02T00:00:00Z"));
        Invoice feb = invoices().get(0);
        RunFixture.n().verify(putRequestedFor(urlPathEqualTo(base + "/c-x/credit-reservations/" + RES_FEB))
                .withRequestBody(equalToJson("{\"upTo\":\"99.00\"}")));
        assertEquals("39.00", feb.total.setScale(2).toPlainString());
        assertEquals("60.00", feb.creditsApplied.setScale(2).toPlainString());

        // dunning catches up on 20 March: canceled effective 15 February, half of the invoiced month
        clock.set(Instant.parse("2026-03-20T00:00:00Z"));
        subscriptionPro("canceled");
        fx.events(created + """
                ,{"id":"e2","type":"status_changed","occurredAt":"2026-03-20T00:00:00Z",
                 "effectiveAt":"2026-02-15T00:00:00Z","planSlug":"pro","planVersion":3,"fromStatus":"suspended",
                 "toStatus":"canceled","currency":"USD"}""");
        assertEquals(1, corrections.correct(org));
        assertEquals(0, corrections.correct(org), "a rerun corrects nothing more");
        Invoice note = invoices().get(1);
        assertEquals(Invoice.KIND_CREDIT_NOTE, note.kind);
        // 49.50 no longer owed: 39.00 of it was paid in money and is refunded, 10.50 goes back as credits
        given().header("Authorization", TestTokens.bearer(org, Roles.OWNER))
                .when().get("/v1/orgs/{org}/invoices/{id}", org, note.id).then().statusCode(200)
                .body("lines.type", contains("credit_note", "credits_returned"))
                .body("lines.amount", contains("-49.50", "10.50"))
                .body("total", is("-39.00")).body("creditsReturned", is("10.50"));

        // the return reaches contract-service once, after the drawdown that applied the 60.00
        RunFixture.n().stubFor(post(urlPathEqualTo(base + "/c-x/drawdowns")).willReturn(okJson("{}").withStatus(201)));
        RunFixture.n()
                .stubFor(post(urlPathEqualTo(base + "/c-x/credit-returns")).willReturn(okJson("{}").withStatus(201)));
        for (int i = 0; i < 3; i++) {
            clock.advance(Duration.ofHours(2));
            delivery.deliverDue(100);
        }
        RunFixture.n().verify(1, postRequestedFor(urlPathEqualTo(base + "/c-x/drawdowns")));
        RunFixture.n().verify(1,
                postRequestedFor(urlPathEqualTo(base + "/c-x/credit-returns")).withRequestBody(equalToJson("""
                        {"creditNoteId":"%s","invoiceId":"%s","amount":"10.50","consumption":"0.00"}""".formatted(
                        note.id,
                        feb.id))));
        assertEquals(OutboxStatus.DELIVERED, outbox(note.id, "contract_credit_return").status);

        // what is left is credits only: a manual credit note of the rest refunds no money
        given().header("Authorization", TestTokens.as(Roles.PLATFORM_OPERATOR).bearer())
                .contentType(ContentType.JSON).body("{\"reason\":\"rest\",\"lines\":[{\"position\":1}]}")
                .when().post("/v1/orgs/{org}/invoices/{id}/credit-notes", org, feb.id).then().statusCode(201)
                .body("total", is("0.00")).body("creditsReturned", is("49.50"));
        BigDecimal returned = QuarkusTransaction.requiringNew().call(() -> em.createQuery(
                "select sum(n.creditsReturned) from Invoice n where n.correctsInvoiceId = :o", BigDecimal.class)
                .setParameter("o", feb.id).getSingleResult());
        assertEquals(0, returned.compareTo(feb.creditsApplied), "credits returned = credits applied");
    }

    /**
     * A monthly minimum with prepaid credits: the reservation is sized after the top-up (the credits may pay it),
     * and February's usage recorded after its close counts toward March's minimum as a charge of March's invoice.
     */
    @Test
    void minimumTopUpsAreReservedForAndLateUsageCountsTowardTheWindowOfItsInvoice() {
        account("USD", "2026-02-01T00:00:00Z");
        fx.events("""
                {"id":"e1","type":"created","occurredAt":"2026-02-01T00:00:00Z","effectiveAt":"2026-02-01T00:00:00Z",
                 "planSlug":"pro","planVersion":3,"toStatus":"active","currency":"USD"}""");
        String minimums = """
                [{"period":"monthly","amount":{"amount":"150.000000000000","currency":"USD"},
                  "periodStart":"%s","periodEnd":"%s"}]""";
        fx.tokenUsage(FEB, 500_000);
        clock.set(Instant.parse("2026-03-02T03:00:00Z"));
        fx.subscriptionPro("active", MAR, "2026-04-01T00:00:00Z");
        terms("c-x", "200.00", minimums.formatted(FEB, MAR), "2026-02");
        fx.reservation("c-x", RES_FEB, "150.000000000000");
        closer.close(org, Instant.parse("2026-03-02T00:00:00Z"));
        // 99.00 + top-up 51.00 = 150.00, all of it reserved and paid by credits
        RunFixture.n().verify(putRequestedFor(urlPathEqualTo(base + "/c-x/credit-reservations/" + RES_FEB))
                .withRequestBody(equalToJson("{\"upTo\":\"150.00\"}")));
        fx.lines(FEB, List.of("base_fee", "minimum_top_up", "prepaid_credit"), List.of("99.00", "51.00", "-150.00"),
                "0.00");

        // 1.5 M more February tokens are recorded after its close; March itself stays within the allowance
        RunFixture.n()
                .stubFor(get(urlPathEqualTo("/v1/orgs/" + org + "/usage/summary")).withQueryParam("from", equalTo(FEB))
                        .withQueryParam("recordedBefore", matching("2026-03-02T03:00.*")).atPriority(1)
                        .willReturn(okJson(tokens(500_000))));
        fx.tokenUsage(FEB, 2_000_000);
        fx.tokenUsage(MAR, 500_000);
        clock.set(Instant.parse("2026-04-02T03:00:00Z"));
        fx.subscriptionPro("active", "2026-04-01T00:00:00Z", "2026-05-01T00:00:00Z");
        terms("c-x", "50.00", minimums.formatted(MAR, "2026-04-01T00:00:00Z"), "2026-03");
        fx.reservation("c-x", RES_MAR, "50.000000000000");
        closer.close(org, Instant.parse("2026-04-02T00:00:00Z"));
        // late line: 1,000 packages above Pro's 1 M at 0.003 = 3.00; the minimum tops up 150 − 99 − 3 = 48.00;
        // the reservation asks for all of 150.00, the 50.00 left of the balance is held and applied
        RunFixture.n().verify(putRequestedFor(urlPathEqualTo(base + "/c-x/credit-reservations/" + RES_MAR))
                .withRequestBody(equalToJson("{\"upTo\":\"150.00\"}")));
        fx.lines(MAR, List.of("base_fee", "late_usage", "minimum_top_up", "prepaid_credit"),
                List.of("99.00", "3.00", "48.00", "-50.00"), "100.00");
    }

    /**
     * A cancellation recorded late in a month with a settled monthly minimum (rule 12a recomputes the whole effect):
     * the lower base fee raises the month's top-up, so only the net difference is credited — what recording the
     * cancellation on time would have billed. Reruns and racing runs change nothing more.
     */
    @Test
    void aLateCancellationUnderAMonthlyMinimumCreditsOnlyWhatTheTopUpDoesNotTakeBack() {
        account("USD", "2026-02-01T00:00:00Z");
        String created = """
                {"id":"e1","type":"created","occurredAt":"2026-02-01T00:00:00Z","effectiveAt":"2026-02-01T00:00:00Z",
                 "planSlug":"pro","planVersion":3,"toStatus":"active","currency":"USD"}""";
        fx.events(created);
        fx.tokenUsage(FEB, 500_000);
        clock.set(Instant.parse("2026-03-02T03:00:00Z"));
        subscriptionPro("active");
        terms("c-m", "0", """
                [{"period":"monthly","amount":{"amount":"80.000000000000","currency":"USD"},
                  "periodStart":"%s","periodEnd":"%s"}]""".formatted(FEB, MAR), "2026-02");
        closer.close(org, Instant.parse("2026-03-02T00:00:00Z"));
        fx.lines(FEB, List.of("base_fee"), List.of("99.00"), "99.00"); // above the 80.00 minimum: no top-up

        clock.set(Instant.parse("2026-03-20T00:00:00Z"));
        subscriptionPro("canceled");
        fx.events(created + """
                ,{"id":"e2","type":"status_changed","occurredAt":"2026-03-20T00:00:00Z",
                 "effectiveAt":"2026-02-15T00:00:00Z","planSlug":"pro","planVersion":3,"fromStatus":"suspended",
                 "toStatus":"canceled","currency":"USD"}""");
        var a = java.util.concurrent.CompletableFuture.supplyAsync(() -> corrections.correct(org));
        var b = java.util.concurrent.CompletableFuture.supplyAsync(() -> corrections.correct(org));
        assertEquals(1, a.join() + b.join(), "racing runs correct once");
        assertEquals(0, corrections.correct(org), "a rerun corrects nothing more");
        // on time: base fee 49.50 + top-up 30.50 = 80.00; so of the 49.50 no longer owed, 19.00 is credited
        List<Invoice> all = invoices();
        assertEquals(2, all.size());
        assertEquals("-19.00", all.get(1).total.setScale(2).toPlainString());
        Object[] row = QuarkusTransaction.requiringNew().call(() -> (Object[]) em.createNativeQuery("""
                select c.amount, c.base_fee_reduction, t.minimum_period, t.amount from timeline_corrections c
                join timeline_correction_top_ups t on t.correction_id = c.id where c.invoice_id = ?1""")
                .setParameter(1, all.get(0).id).getSingleResult());
        assertEquals(List.of("19.00", "49.50", "monthly", "30.50"),
                List.of(new BigDecimal(row[0].toString()).setScale(2).toPlainString(),
                        new BigDecimal(row[1].toString()).setScale(2).toPlainString(), row[2].toString(),
                        new BigDecimal(row[3].toString()).setScale(2).toPlainString()));
    }

    /** When the month was topped up already, the whole base-fee reduction goes to the top-up: nothing is credited. */
    @Test
    void aLateCancellationInAToppedUpMonthCreditsNothingAndIsRecordedOnce() {
        account("USD", "2026-02-01T00:00:00Z");
        String created = """
                {"id":"e1","type":"created","occurredAt":"2026-02-01T00:00:00Z","effectiveAt":"2026-02-01T00:00:00Z",
                 "planSlug":"pro","planVersion":3,"toStatus":"active","currency":"USD"}""";
        fx.events(created);
        fx.tokenUsage(FEB, 500_000);
        clock.set(Instant.parse("2026-03-02T03:00:00Z"));
        subscriptionPro("active");
        terms("c-m", "0", """
                [{"period":"monthly","amount":{"amount":"150.000000000000","currency":"USD"},
                  "periodStart":"%s","periodEnd":"%s"}]""".formatted(FEB, MAR), "2026-02");
        closer.close(org, Instant.parse("2026-03-02T00:00:00Z"));
        fx.lines(FEB, List.of("base_fee", "minimum_top_up"), List.of("99.00", "51.00"), "150.00");

        clock.set(Instant.parse("2026-03-20T00:00:00Z"));
        subscriptionPro("canceled");
        fx.events(created + """
                ,{"id":"e2","type":"status_changed","occurredAt":"2026-03-20T00:00:00Z",
                 "effectiveAt":"2026-02-15T00:00:00Z","planSlug":"pro","planVersion":3,"fromStatus":"suspended",
                 "toStatus":"canceled","currency":"USD"}""");
        assertEquals(1, corrections.correct(org));
        assertEquals(0, corrections.correct(org));
        assertEquals(1, invoices().size(), "no credit note: 49.50 + a 100.50 top-up is still the 150.00 minimum");
        Number rows = QuarkusTransaction.requiringNew().call(() -> (Number) em.createNativeQuery(
                "select count(*) from timeline_corrections where invoice_id = ?1 and amount = 0"
                        + " and base_fee_reduction = 49.50 and credit_note_id is null")
                .setParameter(1, invoices().get(0).id).getSingleResult());
        assertEquals(1, rows.intValue());
    }

    /**
     * Issue 13: a credit note of usage gives the commitment back what that usage consumed — once, through the
     * outbox, after the invoice's drawdown — and the invoice ending the window trues up on net spend.
     */
    @Test
    void aCreditedUsageLineGivesTheCommitmentBackAndTheTrueUpIsOnNetSpend() {
        account("USD", "2026-02-01T00:00:00Z");
        fx.events("""
                {"id":"e1","type":"created","occurredAt":"2026-02-01T00:00:00Z","effectiveAt":"2026-02-01T00:00:00Z",
                 "planSlug":"pro","planVersion":3,"toStatus":"active","currency":"USD"}""");
        fx.tokenUsage(FEB, 2_000_000); // 1 M above Pro's allowance: 3.00 of overage, drawn from the commitment
        clock.set(Instant.parse("2026-03-02T03:00:00Z"));
        subscriptionPro("active");
        committed("c-k");
        closer.close(org, Instant.parse("2026-03-02T00:00:00Z"));
        fx.lines(FEB, List.of("base_fee", "overage"), List.of("99.00", "3.00"), "102.00");
        Invoice feb = invoices().get(0);

        String noteId = given().header("Authorization", TestTokens.as(Roles.PLATFORM_OPERATOR).bearer())
                .contentType(ContentType.JSON).body("{\"reason\":\"disputed\",\"lines\":[{\"position\":2}]}")
                .when().post("/v1/orgs/{org}/invoices/{id}/credit-notes", org, feb.id).then().statusCode(201)
                .body("total", is("-3.00")).body("commitmentReturned", is("3.00")).extract().path("id");
        // the consumption goes back once, after the drawdown, whatever the outbox retries
        RunFixture.n().stubFor(post(urlPathEqualTo(base + "/c-k/drawdowns")).willReturn(okJson("{}").withStatus(201)));
        RunFixture.n()
                .stubFor(post(urlPathEqualTo(base + "/c-k/credit-returns")).willReturn(okJson("{}").withStatus(201)));
        for (int i = 0; i < 3; i++) {
            clock.advance(Duration.ofHours(2));
            delivery.deliverDue(100);
        }
        RunFixture.n().verify(1,
                postRequestedFor(urlPathEqualTo(base + "/c-k/credit-returns")).withRequestBody(equalToJson("""
                        {"creditNoteId":"%s","invoiceId":"%s","amount":"0.00","consumption":"3.00"}""".formatted(noteId,
                        feb.id))));

        // March ends the window: 100 committed − (3.00 − 3.00 credited) − 3.00 = 97.00 (94.00 on gross spend)
        fx.tokenUsage(MAR, 2_000_000);
        clock.set(Instant.parse("2026-04-02T03:00:00Z"));
        fx.subscriptionPro("active", "2026-04-01T00:00:00Z", "2026-05-01T00:00:00Z");
        closer.close(org, Instant.parse("2026-04-02T00:00:00Z"));
        fx.lines(MAR, List.of("base_fee", "overage", "commitment_true_up"), List.of("99.00", "3.00", "97.00"),
                "199.00");
    }

    /**
     * Late usage across a currency switch (Invoices rule 7): August billed in USD, the account bills in EUR from
     * September. August's tokens recorded after its close are priced at August's USD plan and converted through the
     * rate recorded for August — never at the EUR plan's prices, never unconverted; without that rate September's
     * close fails visibly and is invoiced once the rate is recorded.
     */
    @Test
    void lateUsageAcrossACurrencySwitchIsPricedInItsOwnPeriodsCurrencyAndConvertedAtItsRate() {
        String aug = "2026-08-01T00:00:00Z";
        String sep = "2026-09-01T00:00:00Z";
        account("EUR", aug);
        for (String[] p : List.of(new String[]{"USD", "99.00", "0.003"}, new String[]{"EUR", "89.00", "0.005"})) {
            RunFixture.n()
                    .stubFor(get(urlPathEqualTo("/v1/plans/xc/versions/1")).withQueryParam("currency", equalTo(p[0]))
                            .willReturn(
                                    okJson("""
                                            {"slug":"xc","version":1,"billingModel":"tiered","interval":"month",
                                             "basePrice":{"amount":"%s","currency":"%s"},"allowances":{"llm_tokens":1000000},
                                             "overage":[{"meter":"llm_tokens","packageSize":1000,"tiers":[{"upTo":null,"unitAmount":"%s"}]}]}"""
                                            .formatted(p[1], p[0], p[2]))));
        }
        String created = """
                {"id":"e1","type":"created","occurredAt":"%s","effectiveAt":"%s","planSlug":"xc","planVersion":1,
                 "toStatus":"active","currency":"USD"}""".formatted(aug, aug);
        fx.events(created + """
                ,{"id":"e2","type":"currency_switched","occurredAt":"2026-08-20T00:00:00Z","effectiveAt":"%s",
                 "planSlug":"xc","planVersion":1,"currency":"EUR"}""".formatted(sep));
        fx.tokenUsage(aug, 1_000_000);
        fx.tokenUsage(sep, 0);
        clock.set(Instant.parse("2026-09-02T03:00:00Z"));
        RunFixture.n().stubFor(get(urlPathEqualTo("/v1/accounts/" + org + "/subscription")).willReturn(okJson("""
                {"status":"active","currentPeriodStart":"%s","currentPeriodEnd":"2026-10-01T00:00:00Z",
                 "cancelAtPeriodEnd":false,"currency":"EUR","plan":{"slug":"xc","version":1,"interval":"month",
                 "billingModel":"tiered"}}""".formatted(sep))));
        closer.close(org, Instant.parse("2026-09-02T00:00:00Z"));
        fx.lines(aug, List.of("base_fee"), List.of("99.00"), "99.00");

        // 2 M more August tokens are recorded after its close (August as billed stays at 1 M)
        RunFixture.n()
                .stubFor(get(urlPathEqualTo("/v1/orgs/" + org + "/usage/summary")).withQueryParam("from", equalTo(aug))
                        .withQueryParam("recordedBefore", matching("2026-09-02T03:00.*")).atPriority(1)
                        .willReturn(okJson(tokens(1_000_000))));
        fx.tokenUsage(aug, 3_000_000);
        clock.set(Instant.parse("2026-10-02T03:00:00Z"));
        RunFixture.n().stubFor(get(urlPathEqualTo("/v1/accounts/" + org + "/subscription")).willReturn(
                okJson("""
                        {"status":"active","currentPeriodStart":"2026-10-01T00:00:00Z","currentPeriodEnd":"2026-11-01T00:00:00Z",
                         "cancelAtPeriodEnd":false,"currency":"EUR","plan":{"slug":"xc","version":1,"interval":"month",
                         "billingModel":"tiered"}}""")));
        // no USD→EUR rate for August yet: September is not invoiced, and says why
        assertThrows(RuntimeException.class, () -> closer.close(org, Instant.parse("2026-10-02T00:00:00Z")));
        unbilled().body("size()", is(1)).body("[0].cause", is("exchange_rate_missing"));

        rate("2026-08-31", "0.900000000000");
        closer.close(org, Instant.parse("2026-10-02T00:00:00Z"));
        // EUR 89.00, and 2,000 packages × USD 0.003 = USD 6.00 at 0.90 = EUR 5.40 (at the EUR plan: 10.00)
        fx.lines(sep, List.of("base_fee", "late_usage"), List.of("89.00", "5.40"), "94.40");
        given().header("Authorization", TestTokens.bearer(org, Roles.OWNER))
                .when().get("/v1/orgs/{org}/invoices/{id}", org, invoices().get(1).id).then().statusCode(200)
                .body("currency", is("EUR")).body("lines[1].fx.fromCurrency", is("USD"))
                .body("lines[1].fx.rateDate", is("2026-08-31"))
                .body("lines[1].description", containsString("priced in USD"));
    }

    // ---- stand-ins

    /** A contract committing 100.00 over February and March, no credits, no minimums. */
    private void committed(String contractId) {
        RunFixture.n().stubFor(get(urlPathEqualTo(base + "/terms")).atPriority(5).willReturn(okJson("""
                {"contractId":"%s","version":1,"currency":"USD","termStart":"2026-02-01T00:00:00Z",
                 "termEnd":"2026-04-01T00:00:00Z","commitment":{"amount":{"amount":"100.000000000000","currency":"USD"},
                 "periodStart":"2026-02-01T00:00:00Z","periodEnd":"2026-04-01T00:00:00Z"},"negotiatedRates":[],
                 "prepaidCreditBalance":{"amount":"0","currency":"USD"},"minimums":[]}""".formatted(contractId))));
    }

    private void account(String currency, String createdAt) {
        Neighbours.accounts(List.of(org));
        RunFixture.n().stubFor(get(urlPathEqualTo("/v1/accounts/" + org)).willReturn(okJson("""
                {"orgId":"%s","name":"Cross","currency":"%s","timeZone":"UTC","planSlug":"pro","stripeCustomerId":null,
                 "meteredEnabled":false,"createdAt":"%s"}""".formatted(org, currency, createdAt))));
    }

    private void plan(String slug, String model, String basePrice, String currency) {
        RunFixture.n().stubFor(get(urlPathEqualTo("/v1/plans/" + slug + "/versions/1")).willReturn(okJson("""
                {"slug":"%s","version":1,"billingModel":"%s","interval":"month",
                 "basePrice":{"amount":"%s","currency":"%s"},"allowances":{},"overage":[]}"""
                .formatted(slug, model, basePrice, currency))));
    }

    private void subscription(String currency, String plan, String model, String start, String end) {
        RunFixture.n().stubFor(get(urlPathEqualTo("/v1/accounts/" + org + "/subscription")).willReturn(okJson("""
                {"status":"active","currentPeriodStart":"%s","currentPeriodEnd":"%s","cancelAtPeriodEnd":false,
                 "currency":"%s","plan":{"slug":"%s","version":1,"interval":"month","billingModel":"%s"}}"""
                .formatted(start, end, currency, plan, model))));
    }

    private void subscriptionPro(String status) {
        fx.subscriptionPro(status, MAR, RunFixture.APR);
    }

    private void costUsage(String from, String to, String costUsd) {
        RunFixture.n()
                .stubFor(get(urlPathEqualTo("/v1/orgs/" + org + "/usage/summary")).withQueryParam("from", equalTo(from))
                        .withQueryParam("to", equalTo(to)).willReturn(
                                okJson("""
                                        {"orgId":"%s","environment":"live","currency":"USD","totals":{"totalTokens":1000,"requests":1,
                                         "agentSessions":0,"toolCalls":0,"cost":"%s","revenue":"0","unpricedEvents":0},
                                         "byModel":[{"model":"gpt-4o","provider":"openai","totalTokens":1000,"cost":"%s"}]}"""
                                        .formatted(org, costUsd, costUsd))));
    }

    private String tokens(long tokens) {
        return """
                {"orgId":"%s","environment":"live","currency":"USD","totals":{"totalTokens":%d,"requests":1,
                 "agentSessions":0,"toolCalls":0,"cost":"0","revenue":"0","unpricedEvents":0},"byModel":[]}"""
                .formatted(org, tokens);
    }

    /** The contract's terms for the month {@code at} names (or any instant, given a full term start). */
    private void terms(String contractId, String balance, String minimums, String month) {
        var stub = get(urlPathEqualTo(base + "/terms")).atPriority(5);
        if (month.length() == 7) {
            stub = stub.withQueryParam("at", matching(month + "-.*"));
        }
        RunFixture.n().stubFor(stub.willReturn(okJson("""
                {"contractId":"%s","version":1,"currency":"USD","termStart":"2026-01-01T00:00:00Z",
                 "termEnd":"2027-01-01T00:00:00Z","commitment":null,"negotiatedRates":[],
                 "prepaidCreditBalance":{"amount":"%s","currency":"USD"},"minimums":%s}"""
                .formatted(contractId, balance, minimums))));
    }

    private void rate(String day, String rate) {
        given().header("Authorization", TestTokens.as(Roles.PLATFORM_OPERATOR).bearer()).contentType(ContentType.JSON)
                .body("{\"rate\":\"" + rate + "\"}").when().put("/v1/exchange-rates/USD/EUR/{d}", day).then()
                .statusCode(200);
    }

    private static String eur(String costUsd, String rate) {
        return new BigDecimal(costUsd).multiply(new BigDecimal("1.20")).multiply(new BigDecimal(rate))
                .setScale(2, RoundingMode.HALF_UP).toPlainString();
    }

    private io.restassured.response.ValidatableResponse unbilled() {
        return given().header("Authorization", TestTokens.as(Roles.PLATFORM_OPERATOR).bearer())
                .queryParam("orgId", org).when().get("/v1/operator/unbilled-periods").then().statusCode(200);
    }

    private List<Invoice> invoices() {
        return QuarkusTransaction.requiringNew().call(() -> em.createQuery(
                "select i from Invoice i where i.orgId = :o order by i.kind desc, i.periodStart, i.createdAt",
                Invoice.class).setParameter("o", org).getResultList());
    }

    private OutboxEntry outbox(UUID invoiceId, String kind) {
        return QuarkusTransaction.requiringNew().call(() -> em.createQuery(
                "select e from OutboxEntry e where e.invoiceId = :i and e.kind = :k", OutboxEntry.class)
                .setParameter("i", invoiceId).setParameter("k", kind).getSingleResult());
    }

}
