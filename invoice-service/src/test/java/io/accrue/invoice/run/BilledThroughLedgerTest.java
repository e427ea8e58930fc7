package io.accrue.invoice.run;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.contains;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.empty;
import static org.hamcrest.Matchers.hasSize;
import static org.hamcrest.Matchers.is;
import static org.hamcrest.Matchers.notNullValue;
import static org.hamcrest.Matchers.nullValue;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import jakarta.inject.Inject;
import jakarta.persistence.EntityManager;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import io.accrue.common.security.Roles;
import io.accrue.common.time.AdjustableClock;
import io.accrue.invoice.invoices.BillingPeriod;
import io.accrue.invoice.invoices.Invoice;
import io.accrue.testing.TestTokens;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.smallrye.faulttolerance.api.CircuitBreakerMaintenance;

/**
 * The billed-through ledger: every ended period is invoiced once, in order, whatever fails in between; an unbilled
 * period stays visible (operator endpoint, gauges) until it is invoiced or written off.
 */
@QuarkusTest
class BilledThroughLedgerTest {

    static final String FEB = RunFixture.FEB;
    static final String MAR = RunFixture.MAR;
    static final String APR = RunFixture.APR;
    static final String MAY = "2026-05-01T00:00:00Z";

    @Inject
    BillingRunService runs;
    @Inject
    BillingRunWorker worker;
    @Inject
    AccountCloser closer;
    @Inject
    UnbilledPeriodService unbilled;
    @Inject
    LedgerMetrics metrics;
    @Inject
    MeterRegistry registry;
    @Inject
    EntityManager em;
    @Inject
    AdjustableClock clock;
    @Inject
    CircuitBreakerMaintenance breakers;

    private RunFixture fx;
    private String org;

    @BeforeEach
    void reset() {
        fx = RunFixture.fresh("ledger");
        org = fx.org;
        Neighbours.accounts(List.of(org));
        account();
    }

    @AfterEach
    void restoreClock() {
        clock.set(RunFixture.NOW);
    }

    @Test
    void aCloseThatFailsAcrossTwoRolloversIsInvoicedOncePerPeriodInOrderWhenFixed() {
        // February cannot be closed: usage-service has no answer for it
        var outage = RunFixture.n().stubFor(get(urlPathEqualTo("/v1/orgs/" + org + "/usage/summary"))
                .withQueryParam("from", equalTo(FEB)).atPriority(1).willReturn(aResponse().withStatus(503)));
        usage(MAR, 2_000_000);
        usage(APR, 1_000_000);

        at("2026-03-02T03:00:00Z", MAR, APR);
        var first = runs.start(asOf("2026-03-02T00:00:00Z"), "test");
        worker.drive(first.id(), Integer.MAX_VALUE);
        assertEquals("completed_with_failures", runs.get(first.id().toString()).status());
        operatorList().body("", hasSize(1)).body("[0].periodStart", is(FEB))
                .body("[0].cause", is("neighbour_unavailable"))
                .body("[0].attempts", is(1))
                .body("[0].ageSeconds", is(97_200))
                .body("[0].lastError", containsString("usage-service"))
                .body("[0].needsOperator", is(false));

        // a month later it still fails, and March waits behind it: nothing is marked done, nothing is skipped
        at("2026-04-02T03:00:00Z", APR, MAY);
        var second = runs.start(asOf("2026-04-02T00:00:00Z"), "test");
        worker.drive(second.id(), Integer.MAX_VALUE);
        assertEquals("completed_with_failures", runs.get(second.id().toString()).status());
        operatorList().body("periodStart", contains(FEB, MAR))
                .body("cause", contains("neighbour_unavailable", "waiting_for_earlier_period"))
                .body("attempts", contains(2, 0));
        assertEquals(0, invoices().size());
        metrics.refresh();
        assertTrue(gauge("accrue.unbilled.periods") >= 2);
        assertTrue(gauge("accrue.unbilled.period.oldest.age.seconds") >= 32 * 86_400 + 3600,
                "oldest unbilled ended on 1 March: " + gauge("accrue.unbilled.period.oldest.age.seconds"));

        // usage-service is fixed after the next rollover: the ledger's retry closes February and March ...
        at("2026-05-02T03:00:00Z", MAY, "2026-06-01T00:00:00Z");
        RunFixture.n().removeStub(outage);
        usage(FEB, 1_002_500);
        breakers.resetAll();
        unbilled.retryDue(1000);
        assertEquals(List.of(FEB, MAR), invoices().stream().map(i -> i.periodStart.toString()).toList());
        // ... and the daily run April
        var third = runs.start(asOf("2026-05-02T00:00:00Z"), "test");
        worker.drive(third.id(), Integer.MAX_VALUE);
        assertEquals("completed", runs.get(third.id().toString()).status());

        List<Invoice> all = invoices();
        assertEquals(List.of(FEB, MAR, APR), all.stream().map(i -> i.periodStart.toString()).toList());
        // each with its own period's usage: 2,500 / 1,000,000 / 0 tokens above the allowance
        assertEquals(List.of("99.01", "102.00", "99.00"),
                all.stream().map(i -> i.total.setScale(2).toPlainString()).toList());
        // numbered in period order, without gaps between them
        long firstNumber = Long.parseLong(all.get(0).number.substring(4));
        for (int i = 0; i < all.size(); i++) {
            assertEquals(firstNumber + i, Long.parseLong(all.get(i).number.substring(4)), all.get(i).number);
        }
        operatorList().body("", empty());
        // a fourth run finds every period settled
        var fourth = runs.start(asOf("2026-05-02T00:00:01Z"), "test");
        worker.drive(fourth.id(), Integer.MAX_VALUE);
        assertEquals(3, invoices().size());
    }

    @Test
    void concurrentClosesOfThreeOverduePeriodsInvoiceEachExactlyOnce() throws Exception {
        usage(FEB, 1_002_500);
        usage(MAR, 2_000_000);
        usage(APR, 1_000_000);
        at("2026-05-02T03:00:00Z", MAY, "2026-06-01T00:00:00Z");
        // slow answers so the closes overlap
        RunFixture.n()
                .stubFor(get(urlPathEqualTo("/v1/accounts/" + org + "/subscription/events")).willReturn(okJson(EVENTS)
                        .withFixedDelay(300)));
        int n = 3;
        ExecutorService pool = Executors.newFixedThreadPool(n);
        CountDownLatch start = new CountDownLatch(1);
        List<Future<Object>> results = new ArrayList<>();
        try {
            for (int i = 0; i < n; i++) {
                results.add(pool.submit(() -> {
                    start.await();
                    try {
                        return closer.close(org, Instant.parse("2026-05-02T00:00:00Z"));
                    } catch (RuntimeException lostTheRace) {
                        return lostTheRace; // recorded in the ledger and retried; never a second invoice
                    }
                }));
            }
            start.countDown();
            for (Future<Object> f : results) {
                f.get();
            }
        } finally {
            pool.shutdownNow();
        }
        // whatever lost a race is finished by one more close
        closer.close(org, Instant.parse("2026-05-02T00:00:00Z"));
        List<Invoice> all = invoices();
        assertEquals(List.of(FEB, MAR, APR), all.stream().map(i -> i.periodStart.toString()).toList());
        assertEquals(3, ledger().stream().filter(p -> p.status.wire().equals("invoiced")).count());
        long firstNumber = Long.parseLong(all.get(0).number.substring(4));
        assertEquals(firstNumber + 2, Long.parseLong(all.get(2).number.substring(4)));
    }

    @Test
    void aFailureBetweenGatherAndPersistLeavesNothingAndTheRetryWritesItOnce() {
        usage(FEB, 1_002_500);
        at("2026-03-02T03:00:00Z", MAR, APR);
        long counterBefore = counter();
        // the persisting transaction fails after everything was gathered and computed
        QuarkusTransaction.requiringNew().run(() -> {
            em.createNativeQuery("""
                    CREATE OR REPLACE FUNCTION ledger_test_fail() RETURNS trigger AS $$
                    BEGIN
                        IF NEW.org_id = '%s' THEN RAISE EXCEPTION 'injected failure'; END IF;
                        RETURN NEW;
                    END; $$ LANGUAGE plpgsql""".formatted(org)).executeUpdate();
            em.createNativeQuery("CREATE TRIGGER ledger_test_fail BEFORE INSERT ON invoice_lines FOR EACH ROW"
                    + " EXECUTE FUNCTION ledger_test_fail()").executeUpdate();
        });
        try {
            // lines are written after the invoice row and its flush: all of it rolls back
            assertThrows(RuntimeException.class, () -> closer.close(org, Instant.parse("2026-03-02T00:00:00Z")));
        } finally {
            QuarkusTransaction.requiringNew().run(() -> {
                em.createNativeQuery("DROP TRIGGER ledger_test_fail ON invoice_lines").executeUpdate();
                em.createNativeQuery("DROP FUNCTION ledger_test_fail()").executeUpdate();
            });
        }
        assertEquals(0, invoices().size());
        assertEquals(counterBefore, counter(), "the number taken by the rolled-back close is not lost");
        BillingPeriod feb = ledger().get(0);
        assertEquals("unbilled", feb.status.wire());
        assertEquals(1, feb.attempts);
        assertEquals("internal_error", feb.cause);

        // a rerun after the failure, and another one: one invoice, with the very next number
        closer.close(org, Instant.parse("2026-03-02T00:00:00Z"));
        closer.close(org, Instant.parse("2026-03-02T00:00:00Z"));
        List<Invoice> all = invoices();
        assertEquals(1, all.size());
        assertEquals(counterBefore + 1, Long.parseLong(all.get(0).number.substring(4)));
    }

    @Test
    void aNeighboursRefusalWaitsForAnOperatorWhoWritesThePeriodOffWithAReason() {
        RunFixture
                .n().stubFor(
                        get(urlPathEqualTo("/v1/orgs/" + org + "/usage/summary")).withQueryParam("from", equalTo(FEB))
                                .atPriority(1).willReturn(aResponse().withStatus(422).withHeader("Content-Type",
                                        "application/problem+json")
                                        .withBody("{\"status\":422,\"code\":\"window_invalid\"}")));
        usage(MAR, 1_000_000);
        at("2026-03-02T03:00:00Z", MAR, APR);
        assertThrows(RuntimeException.class, () -> closer.close(org, Instant.parse("2026-03-02T00:00:00Z")));
        // a 4xx is an answer: asked once, not retried as if usage-service were down
        RunFixture.n().verify(1, com.github.tomakehurst.wiremock.client.WireMock.getRequestedFor(
                urlPathEqualTo("/v1/orgs/" + org + "/usage/summary")).withQueryParam("from", equalTo(FEB)));
        String id = operatorList().body("[0].cause", is("neighbour_rejected"))
                .body("[0].needsOperator", is(true))
                .body("[0].nextAttemptAt", nullValue())
                .body("[0].lastError", containsString("HTTP 422 window_invalid"))
                .extract().path("[0].id");
        // the ledger's retry leaves it to the operator
        clock.set(Instant.parse("2026-03-09T00:00:00Z"));
        unbilled.retryDue(1000);
        operatorList().body("[0].attempts", is(1));

        // only an operator writes off, only with a reason, only once
        given().header("Authorization", TestTokens.as(Roles.BILLING_SERVICE).bearer()).contentType(ContentType.JSON)
                .body("{\"reason\":\"x\"}").when().post("/v1/operator/unbilled-periods/{id}/write-off", id)
                .then().statusCode(403).body("code", is("forbidden"));
        given().header("Authorization", operator()).contentType(ContentType.JSON).body("{\"reason\":\" \"}")
                .when().post("/v1/operator/unbilled-periods/{id}/write-off", id)
                .then().statusCode(422).contentType("application/problem+json")
                .body("code", is("validation_failed"));
        given().header("Authorization", operator()).contentType(ContentType.JSON).body("{\"reason\":\"x\"}")
                .when().post("/v1/operator/unbilled-periods/{id}/write-off", UUID.randomUUID())
                .then().statusCode(404).body("code", is("unbilled_period_not_found"));
        given().header("Authorization", operator()).contentType(ContentType.JSON)
                .body("{\"reason\":\"test account, agreed with finance (T-1234)\"}")
                .when().post("/v1/operator/unbilled-periods/{id}/write-off", id)
                .then().statusCode(200).body("status", is("written_off"))
                .body("writeOffReason", is("test account, agreed with finance (T-1234)"))
                .body("writtenOffBy", notNullValue());
        given().header("Authorization", operator()).contentType(ContentType.JSON).body("{\"reason\":\"again\"}")
                .when().post("/v1/operator/unbilled-periods/{id}/write-off", id)
                .then().statusCode(409).body("code", is("period_not_unbilled"));
        // the database keeps a write-off final
        assertThrows(Exception.class, () -> QuarkusTransaction.requiringNew().run(() -> em.createNativeQuery(
                "UPDATE billing_periods SET status = 'unbilled', written_off_at = NULL, written_off_by = NULL,"
                        + " write_off_reason = NULL WHERE id = ?1")
                .setParameter(1, UUID.fromString(id))
                .executeUpdate()));

        // March goes on once February is settled; the write-off is in the export
        RunFixture.n().stubFor(get(urlPathEqualTo("/v1/orgs/" + org + "/contracts"))
                .willReturn(okJson("{\"items\":[],\"nextCursor\":null,\"hasMore\":false}")));
        RunFixture.n().stubFor(get(urlPathEqualTo("/v1/accounts/" + org + "/audit"))
                .willReturn(okJson("{\"items\":[],\"nextCursor\":null,\"hasMore\":false}")));
        at("2026-04-02T03:00:00Z", APR, MAY);
        closer.close(org, Instant.parse("2026-04-02T00:00:00Z"));
        assertEquals(List.of(MAR), invoices().stream().map(i -> i.periodStart.toString()).toList());
        given().header("Authorization", TestTokens.bearer(org, Roles.OWNER)).when()
                .get("/v1/orgs/{org}/billing-export", org).then().statusCode(200)
                .body("writeOffs.periodStart", contains(FEB))
                .body("writeOffs[0].reason", is("test account, agreed with finance (T-1234)"));
    }

    @Test
    void theOperatorListIsForOperatorsAndTheSuite() {
        given().when().get("/v1/operator/unbilled-periods").then().statusCode(401);
        given().header("Authorization", TestTokens.bearer(org, Roles.OWNER)).when()
                .get("/v1/operator/unbilled-periods").then().statusCode(403)
                .body("code", is("forbidden"));
        given().header("Authorization", operator()).contentType(ContentType.JSON).when()
                .post("/v1/operator/unbilled-periods/{id}/retry", "not-a-uuid")
                .then().statusCode(404).body("code", is("unbilled_period_not_found"));
    }

    private static final java.util.concurrent.atomic.AtomicLong RUN_SECONDS = new java.util.concurrent.atomic.AtomicLong(
            5000);

    /** A run is unique per as-of instant, and other tests start runs at round instants: this one's are its own. */
    private static Instant asOf(String at) {
        return Instant.parse(at).plusSeconds(RUN_SECONDS.incrementAndGet());
    }

    // ---- stand-ins

    private static final String EVENTS = """
            {"items":[{"id":"ev-1","type":"subscription_created","effectiveAt":"2026-02-01T00:00:00Z",
             "planSlug":"pro","planVersion":3,"toStatus":"active"}],"hasMore":false}""";

    private void account() {
        RunFixture.n().stubFor(get(urlPathEqualTo("/v1/accounts/" + org)).willReturn(
                okJson("""
                        {"orgId":"%s","name":"Ledger","currency":"USD","timeZone":"UTC","planSlug":"pro","stripeCustomerId":null,
                         "meteredEnabled":false,"createdAt":"2026-02-01T00:00:00Z"}"""
                        .formatted(org))));
        RunFixture.n().stubFor(
                get(urlPathEqualTo("/v1/accounts/" + org + "/subscription/events")).willReturn(okJson(EVENTS)));
    }

    /** The clock at {@code now}, subscription-service's current period {@code [start, end)}. */
    private void at(String now, String start, String end) {
        clock.set(Instant.parse(now));
        fx.subscriptionPro("active", start, end);
    }

    private void usage(String from, long tokens) {
        RunFixture.n()
                .stubFor(get(urlPathEqualTo("/v1/orgs/" + org + "/usage/summary")).withQueryParam("from", equalTo(from))
                        .atPriority(2).willReturn(okJson(usageBody(tokens))));
    }

    private String usageBody(long tokens) {
        return """
                {"orgId":"%s","environment":"live","currency":"USD","totals":{"totalTokens":%d,"requests":1,
                 "agentSessions":0,"toolCalls":0,"cost":"0","revenue":"0","unpricedEvents":0},"byModel":[]}"""
                .formatted(org, tokens);
    }

    private io.restassured.response.ValidatableResponse operatorList() {
        return given().header("Authorization", operator()).queryParam("orgId", org)
                .when().get("/v1/operator/unbilled-periods").then().statusCode(200);
    }

    private List<Invoice> invoices() {
        return QuarkusTransaction.requiringNew().call(() -> em.createQuery(
                "select i from Invoice i where i.orgId = :o and i.kind = 'invoice' order by i.periodStart",
                Invoice.class).setParameter("o", org).getResultList());
    }

    private List<BillingPeriod> ledger() {
        return QuarkusTransaction.requiringNew().call(() -> em.createQuery(
                "select p from BillingPeriod p where p.orgId = :o order by p.periodStart", BillingPeriod.class)
                .setParameter("o", org).getResultList());
    }

    private long counter() {
        return QuarkusTransaction.requiringNew().call(() -> ((Number) em.createNativeQuery(
                "SELECT coalesce(max(last_value), 0) FROM invoice_number_counters WHERE series = 'INV'")
                .getSingleResult()).longValue());
    }

    private double gauge(String name) {
        return registry.get(name).gauge().value();
    }

    private static String operator() {
        return TestTokens.as(Roles.PLATFORM_OPERATOR).bearer();
    }

}
