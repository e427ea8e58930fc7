package io.accrue.e2e;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

import io.restassured.http.ContentType;
import io.restassured.path.json.JsonPath;

/**
 * The billing loop of design.md across the four real services, each step through the HTTP APIs with the
 * token of the role that would make the call in production. The steps share one organisation, in order.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class BillingLoopTest {

    private static final String ORG = "loop-" + UUID.randomUUID().toString().substring(0, 8);
    private static final String PLAN = "team-" + ORG;
    private static String admin;
    private static String reporter;
    private static Instant periodEnd;

    @BeforeAll
    static void suite() {
        Suite.stack();
        admin = Suite.token("admin@" + ORG, ORG, "billing-admin");
        reporter = Suite.reporterToken(ORG, "live");
    }

    @Test
    @Order(1)
    void operatorProvisionsTheOrganisationOnTheFreePlan() {
        given().auth().oauth2(Suite.operatorToken()).contentType(ContentType.JSON)
                .body(Map.of("orgId", ORG, "name", "Loop Labs", "currency", "USD", "timeZone", "UTC"))
                .post(Suite.url("subscription-service") + "/v1/accounts")
                .then().statusCode(201).body("planSlug", equalTo("free"));
        given().auth().oauth2(admin).get(Suite.url("subscription-service") + "/v1/accounts/{org}/status", ORG)
                .then().statusCode(200).body("status", equalTo("active"));
    }

    @Test
    @Order(2)
    void billingAdminSubscribesToATieredPlanWithAnAllowance() {
        given().auth().oauth2(Suite.operatorToken()).contentType(ContentType.JSON)
                .body(Map.of("slug", PLAN, "name", "Team", "tier", "pro", "billingModel", "tiered",
                        "interval", "month", "basePrices", Map.of("USD", new BigDecimal("99.00")),
                        "allowances", Map.of("llm_tokens", 1_000_000L),
                        "overage", List.of(Map.of("meter", "llm_tokens", "packageSize", 1000,
                                "tiers", List.of(Map.of("unitAmount", new BigDecimal("0.50")))))))
                .post(Suite.url("subscription-service") + "/v1/plans")
                .then().statusCode(201);
        JsonPath changed = given().auth().oauth2(admin).contentType(ContentType.JSON)
                .body(Map.of("planSlug", PLAN, "timing", "now"))
                .post(Suite.url("subscription-service") + "/v1/accounts/{org}/subscription/plan-change", ORG)
                .then().statusCode(200).extract().jsonPath();
        assertEquals(PLAN, changed.getString("subscription.plan.slug"));
        periodEnd = Instant.parse(changed.getString("subscription.currentPeriodEnd"));
    }

    @Test
    @Order(3)
    void billingAdminSignsAnEnterpriseContract() {
        Instant now = Instant.parse(given().auth().oauth2(Suite.operatorToken())
                .get(Suite.url("contract-service") + "/v1/operator/clock").then().statusCode(200)
                .extract().path("now"));
        String contractId = given().auth().oauth2(admin).contentType(ContentType.JSON)
                .body(Map.of("currency", "USD", "termStart", now.minus(Duration.ofDays(1)).toString(),
                        "termEnd", now.plus(Duration.ofDays(365)).toString(),
                        "commitment", Map.of("amount", new BigDecimal("1200"), "period", "annual"),
                        "negotiatedRates", List.of(Map.of("model", "gpt-4o", "kind", "discount_percent",
                                "value", new BigDecimal("10")))))
                .post(Suite.url("contract-service") + "/v1/orgs/{org}/contracts", ORG)
                .then().statusCode(201).extract().path("id");
        given().auth().oauth2(admin).contentType(ContentType.JSON).body(Map.of("reason", "signed"))
                .post(Suite.url("contract-service") + "/v1/orgs/{org}/contracts/{id}/activate", ORG, contractId)
                .then().statusCode(200).body("status", equalTo("active"));
        given().auth().oauth2(Suite.serviceToken())
                .queryParam("at", now.toString())
                .get(Suite.url("contract-service") + "/v1/orgs/{org}/contracts/terms", ORG)
                .then().statusCode(200).body("contractId", equalTo(contractId));
    }

    @Test
    @Order(4)
    void gatewayPostsUsageExactlyOnceWhateverTheReplays() {
        Instant at = Instant.parse(given().auth().oauth2(Suite.operatorToken())
                .get(Suite.url("usage-service") + "/v1/operator/clock").then().extract().path("now"))
                .minus(Duration.ofMinutes(5));
        List<Map<String, Object>> events = List.of(
                event("e-1", "u-1", "gpt-4o", 1_000_000, 200_000, at),
                event("e-2", "u-2", "claude-sonnet-4", 100_000, 50_000, at),
                event("e-1", "u-1", "gpt-4o", 1_000_000, 200_000, at)); // replay inside the batch
        JsonPath first = postBatch(events);
        assertEquals(List.of("accepted", "accepted", "duplicate"), first.getList("results.status"));

        JsonPath bad = given().auth().oauth2(reporter).contentType(ContentType.JSON)
                .body("{\"events\":[{\"eventId\":\"e-3\",\"endUserId\":\"u-1\",\"model\":\"gpt-4o\",\"inputTokens\":1,"
                        + "\"occurredAt\":\"" + at + "\",\"prompt\":\"secret text\"},"
                        + "{\"eventId\":\"e-4\",\"endUserId\":\"u-3\",\"model\":\"gpt-4o-mini\",\"inputTokens\":1000,"
                        + "\"occurredAt\":\"" + at + "\"}]}")
                .post(Suite.url("usage-service") + "/v1/usage-events")
                .then().statusCode(200).extract().jsonPath();
        assertEquals(List.of("rejected", "accepted"), bad.getList("results.status"));

        Map<String, Object> totalsBefore = totals();
        for (int replay = 0; replay < 3; replay++) {
            assertEquals(List.of("duplicate", "duplicate", "duplicate"), postBatch(events).getList("results.status"));
        }
        assertEquals(totalsBefore, totals(), "replays change no total");
        // independently computed list cost: gpt-4o 1M in × 2.50 + 0.2M out × 10.00 = 4.50; claude-sonnet-4
        // 0.1M × 3.00 + 0.05M × 15.00 = 1.05; gpt-4o-mini 1,000 × 0.15 / 1M = 0.00015
        assertEquals(0, new BigDecimal("5.55015").compareTo(new BigDecimal((String) totalsBefore.get("cost"))),
                "cost " + totalsBefore.get("cost"));
        assertEquals(1_351_000, ((Number) totalsBefore.get("totalTokens")).longValue());
    }

    @Test
    @Order(5)
    void theCronJobsCallClosesThePeriodIntoOneInvoice() throws InterruptedException {
        for (String service : List.of("subscription-service", "usage-service", "invoice-service", "contract-service")) {
            given().auth().oauth2(Suite.operatorToken()).contentType(ContentType.JSON)
                    .body(Map.of("setTo", periodEnd.plus(Duration.ofHours(1)).toString()))
                    .post(Suite.url(service) + "/v1/operator/clock").then().statusCode(200);
        }
        String runId = given().auth().oauth2(Suite.serviceToken()).contentType(ContentType.JSON).body("{}")
                .post(Suite.url("invoice-service") + "/v1/billing-runs")
                .then().statusCode(202).extract().path("id");
        String status = awaitRun(runId);
        assertEquals("completed", status, "run " + runId);

        JsonPath invoices = given().auth().oauth2(admin)
                .get(Suite.url("invoice-service") + "/v1/orgs/{org}/invoices", ORG)
                .then().statusCode(200).extract().jsonPath();
        List<String> ids = invoices.getList("items.id");
        assertFalse(ids.isEmpty(), "the period closed into an invoice");
        JsonPath invoice = given().auth().oauth2(admin)
                .get(Suite.url("invoice-service") + "/v1/orgs/{org}/invoices/{id}", ORG, ids.get(0))
                .then().statusCode(200).extract().jsonPath();
        System.out.println("[e2e] invoice: " + invoice.prettify());
        BigDecimal sum = invoice.getList("lines.amount", String.class).stream().map(BigDecimal::new)
                .reduce(BigDecimal.ZERO, BigDecimal::add);
        assertEquals(0, sum.compareTo(new BigDecimal(invoice.getString("total"))), "total is the exact sum of lines");
        assertEquals("USD", invoice.getString("currency"));
        assertEquals("open", invoice.getString("status"), "finalised and numbered");
        assertTrue(invoice.getString("number").matches("INV-\\d+"), invoice.getString("number"));
        // independently: 1,351,000 tokens − 1,000,000 included = 351 packages of 1,000 × 0.50 = 175.50
        assertEquals(new BigDecimal("175.50"), lineAmount(invoice, "overage"));
        // the base fee is prorated from the plan change to the period end, each line rounded once, half-up
        for (Map<String, String> line : invoice.<Map<String, String>>getList("lines")) {
            BigDecimal expected = new BigDecimal(line.get("quantity")).multiply(new BigDecimal(line.get("unitAmount")))
                    .setScale(2, java.math.RoundingMode.HALF_UP);
            assertEquals(expected, new BigDecimal(line.get("amount")), "line " + line);
        }
        assertTrue(lineAmount(invoice, "base_fee").compareTo(new BigDecimal("99.00")) <= 0);

        // a second run for the same instant does nothing new: one invoice per (account, period)
        String again = given().auth().oauth2(Suite.serviceToken()).contentType(ContentType.JSON).body("{}")
                .post(Suite.url("invoice-service") + "/v1/billing-runs")
                .then().statusCode(202).extract().path("id");
        awaitRun(again);
        assertEquals(ids.size(), given().auth().oauth2(admin)
                .get(Suite.url("invoice-service") + "/v1/orgs/{org}/invoices", ORG)
                .then().extract().jsonPath().getList("items").size());
    }

    private static BigDecimal lineAmount(JsonPath invoice, String type) {
        return invoice.<Map<String, String>>getList("lines").stream().filter(l -> type.equals(l.get("type")))
                .map(l -> new BigDecimal(l.get("amount"))).reduce(BigDecimal.ZERO, BigDecimal::add);
    }

    private static String awaitRun(String runId) throws InterruptedException {
        Instant deadline = Instant.now().plusSeconds(60);
        String status = "";
        while (Instant.now().isBefore(deadline)) {
            status = given().auth().oauth2(Suite.serviceToken())
                    .get(Suite.url("invoice-service") + "/v1/billing-runs/{id}", runId)
                    .then().statusCode(200).extract().path("status");
            if (!List.of("pending", "planning", "running", "queued").contains(status)) {
                return status;
            }
            Thread.sleep(500);
        }
        return status;
    }

    private static Map<String, Object> event(String id, String user, String model, long in, long out, Instant at) {
        return Map.of("eventId", id, "endUserId", user, "model", model, "inputTokens", in, "outputTokens", out,
                "occurredAt", at.toString());
    }

    private static JsonPath postBatch(List<Map<String, Object>> events) {
        return given().auth().oauth2(reporter).contentType(ContentType.JSON).body(Map.of("events", events))
                .post(Suite.url("usage-service") + "/v1/usage-events")
                .then().statusCode(200).extract().jsonPath();
    }

    private static Map<String, Object> totals() {
        Instant now = Instant.parse(given().auth().oauth2(Suite.operatorToken())
                .get(Suite.url("usage-service") + "/v1/operator/clock").then().extract().path("now"));
        return given().auth().oauth2(admin)
                .queryParam("environment", "live")
                .queryParam("from", now.minus(Duration.ofDays(2)).toString())
                .queryParam("to", now.plus(Duration.ofDays(1)).toString())
                .get(Suite.url("usage-service") + "/v1/orgs/{org}/usage/summary", ORG)
                .then().statusCode(200).extract().jsonPath().getMap("totals");
    }
}
