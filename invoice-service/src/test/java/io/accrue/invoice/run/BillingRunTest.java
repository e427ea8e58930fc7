package io.accrue.invoice.run;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.contains;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.notNullValue;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicLong;

import jakarta.inject.Inject;
import jakarta.persistence.EntityManager;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import io.accrue.common.security.Roles;
import io.accrue.common.time.AdjustableClock;
import io.accrue.invoice.StandInsResource;
import io.accrue.testing.TestTokens;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.smallrye.faulttolerance.api.CircuitBreakerMaintenance;

@QuarkusTest
class BillingRunTest {

    static final Instant NOW = Instant.parse("2026-03-15T10:00:00Z");
    /** Apart from RunFixture's run instants (it counts from 1 s too), which other classes start in the same app. */
    private static final AtomicLong AS_OF_SECONDS = new AtomicLong(9000);

    @Inject
    BillingRunWorker worker;
    @Inject
    BillingRunService service;
    @Inject
    EntityManager em;
    @Inject
    AdjustableClock clock;
    @Inject
    CircuitBreakerMaintenance breakers;

    private List<String> orgs;
    private Instant asOf;

    @BeforeEach
    void standIns() {
        breakers.resetAll();
        Neighbours.reset();
        orgs = new ArrayList<>();
        for (int i = 0; i < 6; i++) {
            String org = "run-" + i + "-" + UUID.randomUUID().toString().substring(0, 8);
            orgs.add(org);
            Neighbours.proAccount(org, 1_002_500, 105); // 99.00 + 0.01 tokens + 2.50 sessions
        }
        Neighbours.accounts(orgs);
        // each test its own as-of instant (a run is unique per as-of), all after February ended
        asOf = Instant.parse("2026-03-02T00:00:00Z").plusSeconds(AS_OF_SECONDS.incrementAndGet());
    }

    @AfterEach
    void restoreClock() {
        clock.set(NOW);
    }

    @Test
    void killedHalfwayAndStartedAgainFinishesTheRestAndDuplicatesNothing() {
        UUID run = startOverHttp(asOf);
        // the first worker dies after three accounts
        assertEquals(3, worker.drive(run, 3));
        assertEquals(3, invoicesOf(orgs));
        given().header("Authorization", operator()).when().get("/v1/billing-runs/{id}", run)
                .then().statusCode(200).body("status", equalTo("running"))
                .body("progress.total", equalTo(6)).body("progress.done", equalTo(3))
                .body("progress.pending", equalTo(3));

        // the CronJob retries: same as-of, same run; the new worker finishes only the rest
        assertEquals(run, startOverHttp(asOf));
        assertEquals(3, worker.drive(run, Integer.MAX_VALUE));
        assertEquals(6, invoicesOf(orgs));
        for (String org : orgs) {
            assertEquals(1, invoicesOf(List.of(org)), org);
        }

        // a third start and drive does nothing at all
        assertEquals(0, worker.drive(startOverHttp(asOf), Integer.MAX_VALUE));
        given().header("Authorization", operator()).when().get("/v1/billing-runs/{id}", run)
                .then().statusCode(200).body("status", equalTo("completed"))
                .body("progress.done", equalTo(6)).body("progress.failed", equalTo(0))
                .body("finishedAt", notNullValue());

        // a later run (another as-of) finds the period already invoiced
        UUID later = startOverHttp(asOf.plusSeconds(3600));
        worker.drive(later, Integer.MAX_VALUE);
        assertEquals(6, invoicesOf(orgs));
        assertEquals(6L, QuarkusTransaction.requiringNew().call(() -> em.createQuery(
                "select count(i) from BillingRunItem i where i.runId = :r and i.outcome = 'already_invoiced'"
                        + " and i.orgId in :orgs",
                Long.class)
                .setParameter("r", later).setParameter("orgs", orgs).getSingleResult()));
    }

    @Test
    void invoiceOfARunIsComputedNumberedAndOpen() {
        UUID run = startOverHttp(asOf);
        worker.drive(run, Integer.MAX_VALUE);
        String org = orgs.get(0);
        var invoice = QuarkusTransaction.requiringNew().call(() -> em.createQuery(
                "select i from Invoice i where i.orgId = :o", io.accrue.invoice.invoices.Invoice.class)
                .setParameter("o", org).getSingleResult());
        assertEquals("open", invoice.status.wire());
        assertEquals(Instant.parse("2026-02-01T00:00:00Z"), invoice.periodStart);
        assertEquals(Instant.parse("2026-03-01T00:00:00Z"), invoice.periodEnd);
        assertEquals(0, new BigDecimal("101.51").compareTo(invoice.total), invoice.total.toPlainString());
        assertEquals(3, invoice.lineCount);
        assertTrue(invoice.number.matches("INV-\\d{6}"), invoice.number);
        given().header("Authorization", TestTokens.bearer(org, Roles.MEMBER))
                .when().get("/v1/orgs/{org}/invoices/{id}", org, invoice.id)
                .then().statusCode(200).body("total", equalTo("101.51"))
                .body("lines.type", contains("base_fee", "overage", "overage"))
                .body("lines.amount", contains("99.00", "0.01", "2.50"));

        // numbers of one run are consecutive: no gaps
        List<String> numbers = QuarkusTransaction.requiringNew().call(() -> em.createQuery(
                "select i.number from Invoice i where i.orgId in :orgs order by i.number", String.class)
                .setParameter("orgs", orgs).getResultList());
        long first = Long.parseLong(numbers.get(0).substring(4));
        for (int i = 0; i < numbers.size(); i++) {
            assertEquals(first + i, Long.parseLong(numbers.get(i).substring(4)), numbers.toString());
        }
    }

    @Test
    void oneAccountsFailureIsRecordedAndRetriedWithoutBlockingOthers() {
        String broken = orgs.get(2);
        // usage-service cannot answer for this account: the run must not invent its usage
        StandInsResource.neighbours().stubFor(get(urlPathEqualTo("/v1/orgs/" + broken + "/usage/summary"))
                .willReturn(aResponse().withStatus(503)));
        UUID run = startOverHttp(asOf);
        worker.drive(run, Integer.MAX_VALUE);
        assertEquals(5, invoicesOf(orgs));
        assertEquals(0, invoicesOf(List.of(broken)));
        given().header("Authorization", operator()).when().get("/v1/billing-runs/{id}", run)
                .then().statusCode(200).body("status", equalTo("completed_with_failures"))
                .body("progress.failed", equalTo(1)).body("progress.done", equalTo(5))
                .body("failures[0].orgId", equalTo(broken))
                .body("failures[0].attempts", equalTo(1))
                .body("failures[0].lastError", containsString("usage-service"));

        // not due yet: a drive right away does not hammer the neighbour
        assertEquals(0, worker.drive(run, Integer.MAX_VALUE));
        // usage-service is back, the backoff has passed
        Neighbours.usage(broken, 1_002_500, 105);
        breakers.resetAll();
        clock.advance(Duration.ofMinutes(2));
        assertEquals(1, worker.drive(run, Integer.MAX_VALUE));
        assertEquals(6, invoicesOf(orgs));
        given().header("Authorization", operator()).when().get("/v1/billing-runs/{id}", run)
                .then().statusCode(200).body("status", equalTo("completed")).body("progress.done", equalTo(6));
    }

    @Test
    void twoTriggersAndTwoWorkersAtOnceDoTheWorkOnce() throws Exception {
        // one account answers slowly, so both workers are busy at the same time
        StandInsResource.neighbours().stubFor(get(urlPathEqualTo("/v1/orgs/" + orgs.get(0) + "/usage/summary"))
                .willReturn(aResponse().withFixedDelay(1500).withHeader("Content-Type", "application/json")
                        .withBody(usageBody(orgs.get(0)))));
        ExecutorService pool = Executors.newFixedThreadPool(2);
        try {
            Callable<UUID> trigger = () -> startOverHttp(asOf);
            Future<UUID> a = pool.submit(trigger);
            Future<UUID> b = pool.submit(trigger);
            UUID run = a.get();
            assertEquals(run, b.get());
            Future<Integer> w1 = pool.submit(() -> worker.drive(run, Integer.MAX_VALUE));
            Future<Integer> w2 = pool.submit(() -> worker.drive(run, Integer.MAX_VALUE));
            assertEquals(6, w1.get() + w2.get());
            assertTrue(w1.get() > 0 && w2.get() > 0, "both workers shared the run: " + w1.get() + "/" + w2.get());
        } finally {
            pool.shutdownNow();
        }
        assertEquals(6, invoicesOf(orgs));
        for (String org : orgs) {
            assertEquals(1, invoicesOf(List.of(org)), org);
        }
    }

    @Test
    void theDatabaseRefusesASecondInvoiceForTheSamePeriod() {
        UUID run = startOverHttp(asOf);
        worker.drive(run, Integer.MAX_VALUE);
        String org = orgs.get(0);
        Exception refused = assertThrows(Exception.class,
                () -> QuarkusTransaction.requiringNew().run(() -> em.createNativeQuery(
                        "INSERT INTO invoices (id, org_id, kind, status, series, period_start, period_end, currency,"
                                + " subtotal, total, line_count, created_at, status_changed_at) VALUES (gen_random_uuid(),"
                                + " ?1, 'invoice', 'draft', 'INV', '2026-02-01T00:00:00Z', '2026-03-01T00:00:00Z', 'USD',"
                                + " 0, 0, 0, now(), now())")
                        .setParameter(1, org).executeUpdate()));
        assertNotNull(refused);
        assertEquals(1, invoicesOf(List.of(org)));
    }

    @Test
    void accountListUnavailableLeavesTheRunPlanning() {
        StandInsResource.neighbours()
                .stubFor(get(urlPathEqualTo("/v1/accounts")).willReturn(aResponse().withStatus(500)));
        UUID run = startOverHttp(asOf);
        assertEquals(0, worker.drive(run, Integer.MAX_VALUE));
        given().header("Authorization", operator()).when().get("/v1/billing-runs/{id}", run)
                .then().statusCode(200).body("status", equalTo("planning"))
                .body("lastError", containsString("subscription-service"))
                .body("progress.total", equalTo(0));
        Neighbours.accounts(orgs);
        breakers.resetAll();
        assertEquals(6, worker.drive(run, Integer.MAX_VALUE));
    }

    @Test
    void startingARunIsForTheSuiteAndTheOperatorOnly() {
        given().contentType(ContentType.JSON).body("{}").when().post("/v1/billing-runs")
                .then().statusCode(401).body("code", equalTo("unauthenticated"));
        given().header("Authorization", TestTokens.bearer("org-a", Roles.OWNER)).contentType(ContentType.JSON)
                .body("{}").when().post("/v1/billing-runs")
                .then().statusCode(403).contentType("application/problem+json").body("code", equalTo("forbidden"));
        given().header("Authorization", TestTokens.as(Roles.BILLING_SERVICE).bearer()).contentType(ContentType.JSON)
                .body("{\"asOf\":\"2030-01-01T00:00:00Z\"}").when().post("/v1/billing-runs")
                .then().statusCode(422).body("code", equalTo("as_of_in_future"));
        given().header("Authorization", TestTokens.as(Roles.BILLING_SERVICE).bearer()).contentType(ContentType.JSON)
                .body("{\"asOf\":\"2026-03-01T00:00:00Z\",\"dryRun\":true}").when().post("/v1/billing-runs")
                .then().statusCode(400).body("code", equalTo("unknown_field"));
        given().header("Authorization", operator()).when().get("/v1/billing-runs/{id}", UUID.randomUUID())
                .then().statusCode(404).body("code", equalTo("billing_run_not_found"));
    }

    @Test
    void theCronJobsEmptyBodyNamesTodaysRun() {
        UUID first = given().header("Authorization", TestTokens.as(Roles.BILLING_SERVICE).bearer())
                .contentType(ContentType.JSON).body("{}").when().post("/v1/billing-runs")
                .then().statusCode(202).body("asOf", equalTo("2026-03-15T00:00:00Z"))
                .extract().jsonPath().getUUID("id");
        UUID again = given().header("Authorization", TestTokens.as(Roles.BILLING_SERVICE).bearer())
                .contentType(ContentType.JSON).body("{}").when().post("/v1/billing-runs")
                .then().statusCode(202).extract().jsonPath().getUUID("id");
        assertEquals(first, again);
    }

    private UUID startOverHttp(Instant at) {
        return given().header("Authorization", TestTokens.as(Roles.BILLING_SERVICE).bearer())
                .contentType(ContentType.JSON).body("{\"asOf\":\"" + at + "\"}")
                .when().post("/v1/billing-runs")
                .then().statusCode(202).body("asOf", equalTo(at.toString()))
                .extract().jsonPath().getUUID("id");
    }

    private long invoicesOf(List<String> organisations) {
        return QuarkusTransaction.requiringNew().call(() -> em.createQuery(
                "select count(i) from Invoice i where i.orgId in :orgs", Long.class)
                .setParameter("orgs", organisations).getSingleResult());
    }

    private static String operator() {
        return TestTokens.as(Roles.PLATFORM_OPERATOR).bearer();
    }

    private static String usageBody(String org) {
        return """
                {"orgId":"%s","environment":"live","currency":"USD","totals":{"totalTokens":1002500,"requests":1,
                 "agentSessions":105,"toolCalls":0,"cost":"1","revenue":"1","unpricedEvents":0},"byModel":[]}"""
                .formatted(org);
    }
}
