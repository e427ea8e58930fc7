package io.accrue.e2e;

import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import io.restassured.http.ContentType;
import io.restassured.path.json.JsonPath;
import io.restassured.response.Response;

/**
 * Issue 13, point 4 on the real suite (outside the model check): prepaid credits with contract-service stopped
 * between two closes of an account. The first close applies credits; contract-service stops right after it (its
 * drawdown most likely still in invoice-service's outbox); the second close cannot reserve credits, so it fails and
 * the period stays unbilled — it never applies credits it could not reserve. Once contract-service is back the
 * period is invoiced, and then: Σ credits applied ≤ Σ granted, each invoice's credits equal its drawdown's at
 * contract-service, and the balance is the grant less what the invoices applied. A rerun changes nothing.
 */
class CreditsWithContractServiceDownTest {

    private static final String ORG = "cdown-" + UUID.randomUUID().toString().substring(0, 8);
    private static final String PLAN = "flat-" + ORG;
    private static final BigDecimal GRANTED = new BigDecimal("150.00");
    private static final List<String> SERVICES = List.of("subscription-service", "usage-service", "invoice-service",
            "contract-service");
    private static String admin;
    private static boolean contractServiceDown;

    @BeforeAll
    static void suite() {
        Suite.stack();
        admin = Suite.token("admin@" + ORG, ORG, "billing-admin");
    }

    /** The suite is shared with the other classes: contract-service is handed back running whatever happened. */
    @AfterAll
    static void contractServiceRunsAgain() throws Exception {
        if (contractServiceDown) {
            Suite.stack().startService("contract-service");
            contractServiceDown = false;
        }
    }

    @Test
    void creditsAreNeverAppliedTwiceAndTheLedgerAgreesAfterContractServiceReturns() throws Exception {
        // an account on a 100.00 flat plan with 150.00 of prepaid credits
        given().auth().oauth2(Suite.operatorToken()).contentType(ContentType.JSON)
                .body(Map.of("orgId", ORG, "name", "Outage Labs", "currency", "USD", "timeZone", "UTC"))
                .post(Suite.url("subscription-service") + "/v1/accounts").then().statusCode(201);
        given().auth().oauth2(Suite.operatorToken()).contentType(ContentType.JSON)
                .body(Map.of("slug", PLAN, "name", "Flat", "tier", "pro", "billingModel", "flat", "interval", "month",
                        "basePrices", Map.of("USD", new BigDecimal("100.00")), "allowances", Map.of(),
                        "overage", List.of(), "stripePriceIds", Map.of("base", "price_team_base")))
                .post(Suite.url("subscription-service") + "/v1/plans").then().statusCode(201);
        Instant periodEnd = Instant.parse(given().auth().oauth2(admin).contentType(ContentType.JSON)
                .body(Map.of("planSlug", PLAN, "timing", "now"))
                .post(Suite.url("subscription-service") + "/v1/accounts/{org}/subscription/plan-change", ORG)
                .then().statusCode(200).extract().path("subscription.currentPeriodEnd"));
        Instant now = clock("contract-service");
        Instant termStart = now.atZone(ZoneOffset.UTC).withDayOfMonth(1).toLocalDate().atStartOfDay(ZoneOffset.UTC)
                .toInstant();
        String contract = given().auth().oauth2(admin).contentType(ContentType.JSON)
                .body(Map.of("currency", "USD", "termStart", termStart.toString(),
                        "termEnd", termStart.atZone(ZoneOffset.UTC).plusMonths(12).toInstant().toString(),
                        "commitment", Map.of("amount", new BigDecimal("1"), "period", "annual"),
                        "prepaidCredits", GRANTED))
                .post(Suite.url("contract-service") + "/v1/orgs/{org}/contracts", ORG)
                .then().statusCode(201).extract().path("id");
        given().auth().oauth2(admin).contentType(ContentType.JSON).body(Map.of("reason", "signed"))
                .post(Suite.url("contract-service") + "/v1/orgs/{org}/contracts/{id}/activate", ORG, contract)
                .then().statusCode(200);

        // close 1: credits pay the (prorated) base fee; contract-service stops right after it
        moveClocks(periodEnd.plus(Duration.ofHours(1)));
        awaitRun(startRun());
        List<Map<String, Object>> first = invoices();
        assertEquals(1, first.size(), "the first period closed: " + first);
        Suite.stack().stopService("contract-service");
        contractServiceDown = true;

        // close 2, contract-service down: the close cannot reserve credits, so it fails and the period waits
        Instant secondEnd = periodEnd.atZone(ZoneOffset.UTC).plusMonths(1).toInstant();
        moveClocks(secondEnd.plus(Duration.ofHours(1)));
        awaitRun(startRun());
        assertEquals(1, invoices().size(), "no invoice without its credit reservation");
        List<Map<String, Object>> unbilled = unbilled();
        assertEquals(1, unbilled.size(), "the second period is listed unbilled: " + unbilled);
        assertEquals("neighbour_unavailable", unbilled.get(0).get("cause"), unbilled.toString());

        // contract-service returns (its test clock starts from the system time: back to the suite's)
        Suite.stack().startService("contract-service");
        contractServiceDown = false;
        Instant back = clock("invoice-service").plusSeconds(30);
        moveClocks(back);
        String periodId = String.valueOf(unbilled.get(0).get("id"));
        // the circuit breaker stays open a few seconds after the restart: retry until the period is invoiced
        Awaitility.await("the second period invoiced after contract-service returned").atMost(Duration.ofSeconds(180))
                .pollInterval(Duration.ofSeconds(3)).until(() -> {
                    given().auth().oauth2(Suite.operatorToken())
                            .post(Suite.url("invoice-service") + "/v1/operator/unbilled-periods/{id}/retry", periodId);
                    awaitRun(startRun());
                    return invoices().size() == 2;
                });
        assertTrue(unbilled().isEmpty(), "nothing left unbilled");

        // every drawdown reaches contract-service; then the two sides agree, and Σ applied ≤ Σ granted
        List<Map<String, Object>> both = invoices();
        Awaitility.await("both drawdowns recorded").atMost(Duration.ofSeconds(180)).pollInterval(Duration.ofSeconds(1))
                .until(() -> drawdowns(contract).size() == 2);
        BigDecimal applied = BigDecimal.ZERO;
        for (Map<String, Object> i : both) {
            JsonPath detail = given().auth().oauth2(admin)
                    .get(Suite.url("invoice-service") + "/v1/orgs/{org}/invoices/{id}", ORG, i.get("id")).then()
                    .statusCode(200).extract().jsonPath();
            BigDecimal credits = new BigDecimal(detail.getString("creditsApplied"));
            applied = applied.add(credits);
            BigDecimal lines = detail.getList("lines", Map.class).stream()
                    .filter(l -> "prepaid_credit".equals(l.get("type")))
                    .map(l -> new BigDecimal(String.valueOf(l.get("amount")))).reduce(BigDecimal.ZERO, BigDecimal::add);
            assertEquals(0, credits.compareTo(lines.negate()), "credit line = credits applied: " + detail.prettify());
            Map<String, Object> drawdown = drawdowns(contract).stream()
                    .filter(d -> String.valueOf(i.get("id")).equals(String.valueOf(d.get("invoiceId")))).findFirst()
                    .orElseThrow(() -> new AssertionError("no drawdown of invoice " + i.get("id")));
            assertEquals(0, credits.compareTo(money(drawdown.get("creditsApplied"))),
                    "invoice and contract ledger agree on " + i.get("id") + ": " + drawdown);
            assertTrue(new BigDecimal(detail.getString("total")).signum() >= 0, "a total is never negative");
        }
        assertTrue(applied.compareTo(GRANTED) <= 0, "Σ credits applied " + applied + " ≤ Σ granted " + GRANTED);
        assertTrue(applied.compareTo(new BigDecimal("100.00")) > 0,
                "credits paid the second invoice too (first prorated, second a full 100.00): " + applied);
        BigDecimal balance = money(given().auth().oauth2(Suite.serviceToken()).queryParam("at", back.toString())
                .get(Suite.url("contract-service") + "/v1/orgs/{org}/contracts/terms", ORG).then().statusCode(200)
                .extract().path("prepaidCreditBalance"));
        assertEquals(0, GRANTED.subtract(applied).compareTo(balance), "balance = granted − applied");

        // a rerun changes nothing
        awaitRun(startRun());
        assertEquals(both.stream().map(i -> i.get("id") + "/" + i.get("total")).sorted().toList(),
                invoices().stream().map(i -> i.get("id") + "/" + i.get("total")).sorted().toList());
        assertEquals(2, drawdowns(contract).size());
    }

    // ---- helpers

    private static List<Map<String, Object>> invoices() {
        return given().auth().oauth2(admin).queryParam("limit", 100)
                .get(Suite.url("invoice-service") + "/v1/orgs/{org}/invoices", ORG).then().statusCode(200).extract()
                .jsonPath().getList("items");
    }

    private static List<Map<String, Object>> unbilled() {
        return given().auth().oauth2(Suite.operatorToken()).queryParam("orgId", ORG)
                .get(Suite.url("invoice-service") + "/v1/operator/unbilled-periods").then().statusCode(200).extract()
                .jsonPath().getList("");
    }

    private static List<Map<String, Object>> drawdowns(String contract) {
        Response r = given().auth().oauth2(admin)
                .get(Suite.url("contract-service") + "/v1/orgs/{org}/contracts/{id}/drawdowns", ORG, contract);
        return r.statusCode() == 200 ? r.jsonPath().getList("") : List.of();
    }

    private static BigDecimal money(Object value) {
        Object amount = value instanceof Map<?, ?> m ? m.get("amount") : value;
        return amount == null ? BigDecimal.ZERO : new BigDecimal(String.valueOf(amount));
    }

    private static String startRun() {
        return given().auth().oauth2(Suite.serviceToken()).contentType(ContentType.JSON).body("{}")
                .post(Suite.url("invoice-service") + "/v1/billing-runs").then().statusCode(202).extract().path("id");
    }

    /** Until the run has no item left to work on now (a failed item is retried later: that is its answer). */
    private static void awaitRun(String runId) {
        Awaitility.await("billing run " + runId).atMost(Duration.ofSeconds(300)).pollInterval(Duration.ofMillis(300))
                .until(() -> given().auth().oauth2(Suite.serviceToken())
                        .get(Suite.url("invoice-service") + "/v1/billing-runs/{id}", runId).then().extract().jsonPath(),
                        run -> !"planning".equals(run.getString("status")) && run.getInt("progress.pending") == 0);
    }

    private static Instant clock(String service) {
        return Instant.parse(given().auth().oauth2(Suite.operatorToken())
                .get(Suite.url(service) + "/v1/operator/clock").then().statusCode(200).extract().path("now"));
    }

    private static void moveClocks(Instant to) {
        for (String service : SERVICES) {
            if (service.equals("contract-service") && contractServiceDown) {
                continue;
            }
            given().auth().oauth2(Suite.operatorToken()).contentType(ContentType.JSON)
                    .body(Map.of("setTo", to.toString())).post(Suite.url(service) + "/v1/operator/clock").then()
                    .statusCode(200);
        }
    }
}
