package io.accrue.e2e;

import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

import io.restassured.http.ContentType;
import io.restassured.path.json.JsonPath;
import io.restassured.response.Response;

/**
 * The billing loop once in ingestion mode kafka (issue 17 point 5), beside direct mode on the same stack start: two
 * organisations on the same tiered plan report the same usage with the same replays, one through the stack's
 * usage-service (direct: written before the answer), one through its replica in mode kafka (appended to a real
 * broker, written by the replica's consumer). The period closes into one invoice each, and the usage the kafka
 * organisation is billed equals the direct one's to the cent: the replays — inside a request, whole requests again,
 * and the same events again through the direct-mode edge once written — count nothing twice in either mode.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class KafkaModeBillingLoopTest {

    private static final String RUN = UUID.randomUUID().toString().substring(0, 8);
    private static final String DIRECT_ORG = "direct-" + RUN;
    private static final String KAFKA_ORG = "kafka-" + RUN;
    private static final String PLAN = "team-kafka-" + RUN;
    /** Live tokens of the accepted events: 1.2M + 0.15M + 1,000 (as in BillingLoopTest). */
    private static final long LIVE_TOKENS = 1_351_000;
    private static final List<String> SERVICES = List.of("subscription-service", "usage-service", "invoice-service",
            "contract-service");
    private static String kafkaUsage;
    private static Instant periodEnd = Instant.EPOCH;

    @BeforeAll
    static void suite() {
        Suite.stack();
        long began = System.nanoTime();
        kafkaUsage = Suite.kafkaUsageUrl();
        System.out.printf("[e2e] broker and kafka-mode usage-service ready in %.1f s%n",
                (System.nanoTime() - began) / 1e9);
    }

    @AfterAll
    static void everyStripeCallWasAnswered() {
        // the replica's test clock would stay where this class left it while later classes move the stack's: its
        // metering round must not close hours the others still record into
        Suite.stack().stopService("usage-service-kafka");
        assertEquals(List.of(), StripeStandIn.unanswered(),
                "requests the Stripe stand-in has no mapping for (add one under local-stack/stripe/mappings)");
    }

    @Test
    @Order(1)
    void bothOrganisationsSubscribeToTheSameTieredPlan() {
        given().auth().oauth2(Suite.operatorToken()).contentType(ContentType.JSON)
                .body(Map.of("slug", PLAN, "name", "Team", "tier", "pro", "billingModel", "tiered",
                        "interval", "month", "basePrices", Map.of("USD", new BigDecimal("99.00")),
                        "allowances", Map.of("llm_tokens", 1_000_000L),
                        "overage", List.of(Map.of("meter", "llm_tokens", "packageSize", 1000,
                                "tiers", List.of(Map.of("unitAmount", new BigDecimal("0.50"))))),
                        "stripePriceIds", Map.of("base", "price_team_base", "metered", "price_team_tokens")))
                .post(Suite.url("subscription-service") + "/v1/plans")
                .then().statusCode(201);
        for (String org : List.of(DIRECT_ORG, KAFKA_ORG)) {
            given().auth().oauth2(Suite.operatorToken()).contentType(ContentType.JSON)
                    .body(Map.of("orgId", org, "name", "Org " + org, "currency", "USD", "timeZone", "UTC"))
                    .post(Suite.url("subscription-service") + "/v1/accounts").then().statusCode(201);
            JsonPath changed = given().auth().oauth2(admin(org)).contentType(ContentType.JSON)
                    .body(Map.of("planSlug", PLAN, "timing", "now"))
                    .post(Suite.url("subscription-service") + "/v1/accounts/{org}/subscription/plan-change", org)
                    .then().statusCode(200).extract().jsonPath();
            Instant end = Instant.parse(changed.getString("subscription.currentPeriodEnd"));
            periodEnd = end.isAfter(periodEnd) ? end : periodEnd;
        }
    }

    @Test
    @Order(2)
    void theSameUsageAndReplaysThroughEitherModeCountOnce() {
        // the replica has a test clock of its own: it stamps recordedAt and checks occurredAt, so it must read the
        // stack's "now" (other classes may have moved the clocks before this one)
        Instant at = clock(Suite.url("usage-service"));
        setClock(kafkaUsage, Map.of("setTo", at.toString()));
        List<Map<String, Object>> events = List.of(
                event("e-1", "u-1", "gpt-4o", 1_000_000, 200_000, at),
                event("e-2", "u-2", "claude-sonnet-4", 100_000, 50_000, at),
                event("e-1", "u-1", "gpt-4o", 1_000_000, 200_000, at)); // replay inside the batch
        List<Map<String, Object>> small = List.of(event("e-4", "u-3", "gpt-4o-mini", 1_000, 0, at));

        String direct = Suite.url("usage-service");
        assertEquals(List.of("accepted", "accepted", "duplicate"), post(direct, DIRECT_ORG, events));
        assertEquals(List.of("accepted"), post(direct, DIRECT_ORG, small));
        // kafka mode: each event is queued once the broker acknowledged it; an id repeated inside the request is a
        // duplicate as in direct mode; a whole request again is queued again (the edge reads no database) and
        // resolved as duplicates by the writer
        assertEquals(List.of("queued", "queued", "duplicate"), post(kafkaUsage, KAFKA_ORG, events));
        assertEquals(List.of("queued"), post(kafkaUsage, KAFKA_ORG, small));
        for (int replay = 0; replay < 3; replay++) {
            assertEquals(List.of("duplicate", "duplicate", "duplicate"), post(direct, DIRECT_ORG, events));
            assertEquals(List.of("queued", "queued", "duplicate"), post(kafkaUsage, KAFKA_ORG, events));
        }
        Instant appended = Instant.now(); // wall time: the lag a quota answer reports is read in wall time

        // every record of the kafka organisation's partition written and its offset committed, as the replica's
        // quota answer reports it (read from the broker after the last append)
        JsonPath caughtUp = awaitPath(() -> given().auth().oauth2(Suite.reporterToken(KAFKA_ORG, "live"))
                .queryParam("endUserId", "u-9").queryParam("model", "gpt-4o").queryParam("estimatedTokens", 1)
                .get(kafkaUsage + "/v1/quota/check").then().statusCode(200).extract().jsonPath(),
                q -> q.get("usageLog") != null && q.getLong("usageLog.records") == 0
                        && Instant.parse(q.getString("usageLog.asOf")).isAfter(appended),
                "the usage log of " + KAFKA_ORG + " written");
        assertEquals(0, caughtUp.getLong("usageLog.records"));

        Map<String, Object> directTotals = totals(DIRECT_ORG, at);
        Map<String, Object> kafkaTotals = totals(KAFKA_ORG, at);
        // independently computed list cost (BillingLoopTest): 4.50 + 1.05 + 0.00015
        assertEquals(0, new BigDecimal("5.55015").compareTo(new BigDecimal((String) directTotals.get("cost"))),
                "direct cost " + directTotals);
        assertEquals(LIVE_TOKENS, ((Number) directTotals.get("totalTokens")).longValue());
        assertEquals(directTotals, kafkaTotals, "the kafka organisation's usage equals the direct one's");
        assertEquals(3, storedEvents(KAFKA_ORG, at), "each event written once");

        // the same events once more through the direct-mode edge: the writer claimed the same exactly-once keys
        assertEquals(List.of("duplicate", "duplicate", "duplicate"), post(direct, KAFKA_ORG, events));
        assertEquals(List.of("duplicate"), post(direct, KAFKA_ORG, small));
        assertEquals(kafkaTotals, totals(KAFKA_ORG, at), "replays across the modes change no total");
    }

    @Test
    @Order(3)
    void thePeriodClosesIntoTheSameUsageInvoiceInBothModes() {
        Map<String, String> close = Map.of("setTo", periodEnd.plus(Duration.ofHours(1)).toString());
        for (String service : SERVICES) {
            setClock(Suite.url(service), close);
        }
        setClock(kafkaUsage, close);
        String runId = given().auth().oauth2(Suite.serviceToken()).contentType(ContentType.JSON).body("{}")
                .post(Suite.url("invoice-service") + "/v1/billing-runs")
                .then().statusCode(202).extract().path("id");
        awaitPath(() -> given().auth().oauth2(Suite.serviceToken())
                .get(Suite.url("invoice-service") + "/v1/billing-runs/{id}", runId).then().statusCode(200)
                .extract().jsonPath(), r -> "completed".equals(r.getString("status")), "billing run " + runId);

        JsonPath direct = onlyInvoice(DIRECT_ORG);
        JsonPath kafka = onlyInvoice(KAFKA_ORG);
        // independently: 1,351,000 tokens − 1,000,000 included = 351 packages of 1,000 × 0.50 = 175.50
        assertEquals(new BigDecimal("175.50"), lineAmount(direct, "overage"));
        assertEquals(usageLines(direct), usageLines(kafka), "the usage lines, to the cent");
        for (JsonPath invoice : List.of(direct, kafka)) {
            BigDecimal sum = BigDecimal.ZERO;
            for (Map<String, String> line : invoice.<Map<String, String>>getList("lines")) {
                BigDecimal expected = new BigDecimal(line.get("quantity"))
                        .multiply(new BigDecimal(line.get("unitAmount"))).setScale(2, RoundingMode.HALF_UP);
                assertEquals(expected, new BigDecimal(line.get("amount")), "line " + line);
                sum = sum.add(expected);
            }
            assertEquals(0, sum.compareTo(new BigDecimal(invoice.getString("total"))), "total = its lines");
        }
    }

    /**
     * The lines every type but the base fee (prorated by seconds from each organisation's own plan change, which
     * happened a moment apart), as type, quantity, unit amount and amount.
     */
    private static List<List<String>> usageLines(JsonPath invoice) {
        List<List<String>> lines = new ArrayList<>();
        for (Map<String, Object> line : invoice.<Map<String, Object>>getList("lines")) {
            if (!"base_fee".equals(line.get("type"))) {
                lines.add(List.of(String.valueOf(line.get("type")),
                        new BigDecimal(String.valueOf(line.get("quantity"))).stripTrailingZeros().toPlainString(),
                        new BigDecimal(String.valueOf(line.get("unitAmount"))).stripTrailingZeros().toPlainString(),
                        new BigDecimal(String.valueOf(line.get("amount"))).toPlainString()));
            }
        }
        assertTrue(!lines.isEmpty(), "usage lines in " + invoice.prettify());
        return lines;
    }

    private static JsonPath onlyInvoice(String org) {
        List<String> ids = given().auth().oauth2(admin(org))
                .get(Suite.url("invoice-service") + "/v1/orgs/{org}/invoices", org)
                .then().statusCode(200).extract().jsonPath().getList("items.id");
        assertEquals(1, ids.size(), "the period of " + org + " closed into one invoice");
        JsonPath invoice = given().auth().oauth2(admin(org))
                .get(Suite.url("invoice-service") + "/v1/orgs/{org}/invoices/{id}", org, ids.get(0))
                .then().statusCode(200).extract().jsonPath();
        assertEquals("USD", invoice.getString("currency"));
        return invoice;
    }

    private static BigDecimal lineAmount(JsonPath invoice, String type) {
        return invoice.<Map<String, String>>getList("lines").stream().filter(l -> type.equals(l.get("type")))
                .map(l -> new BigDecimal(l.get("amount"))).reduce(BigDecimal.ZERO, BigDecimal::add);
    }

    private static List<String> post(String usageService, String org, List<Map<String, Object>> events) {
        return given().auth().oauth2(Suite.reporterToken(org, "live")).contentType(ContentType.JSON)
                .body(Map.of("events", events)).post(usageService + "/v1/usage-events")
                .then().statusCode(200).extract().jsonPath().getList("results.status");
    }

    private static Map<String, Object> totals(String org, Instant at) {
        return given().auth().oauth2(admin(org)).queryParam("environment", "live")
                .queryParam("from", at.minus(Duration.ofDays(2)).toString())
                .queryParam("to", at.plus(Duration.ofDays(1)).toString())
                .get(Suite.url("usage-service") + "/v1/orgs/{org}/usage/summary", org)
                .then().statusCode(200).extract().jsonPath().getMap("totals");
    }

    private static int storedEvents(String org, Instant at) {
        Response page = given().auth().oauth2(admin(org)).queryParam("environment", "live")
                .queryParam("from", at.minus(Duration.ofDays(1)).toString())
                .queryParam("to", at.plus(Duration.ofDays(1)).toString()).queryParam("limit", 100)
                .get(Suite.url("usage-service") + "/v1/orgs/{org}/usage/events", org);
        assertEquals(200, page.statusCode(), page.asString());
        return page.jsonPath().getList("items").size();
    }

    private static String admin(String org) {
        return Suite.token("admin@" + org, org, "billing-admin");
    }

    private static Instant clock(String service) {
        return Instant.parse(given().auth().oauth2(Suite.operatorToken())
                .get(service + "/v1/operator/clock").then().statusCode(200).extract().path("now"));
    }

    private static void setClock(String service, Map<String, String> change) {
        given().auth().oauth2(Suite.operatorToken()).contentType(ContentType.JSON).body(change)
                .post(service + "/v1/operator/clock").then().statusCode(200);
    }

    private static Map<String, Object> event(String id, String user, String model, long in, long out, Instant at) {
        return Map.of("eventId", id, "endUserId", user, "model", model, "inputTokens", in, "outputTokens", out,
                "occurredAt", at.toString());
    }

    /** Polls until the condition holds, at most 90 s. */
    private static JsonPath awaitPath(java.util.function.Supplier<JsonPath> read,
            java.util.function.Predicate<JsonPath> condition, String what) {
        JsonPath[] last = {null};
        try {
            org.awaitility.Awaitility.await(what).atMost(Duration.ofSeconds(90)).pollDelay(Duration.ZERO)
                    .pollInterval(Duration.ofMillis(500)).pollInSameThread().until(() -> {
                        last[0] = read.get();
                        return condition.test(last[0]);
                    });
        } catch (org.awaitility.core.ConditionTimeoutException e) {
            throw new AssertionError("timed out waiting for " + what + ": "
                    + (last[0] == null ? "no answer" : last[0].prettify()), e);
        }
        return last[0];
    }
}
