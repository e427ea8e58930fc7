package io.accrue.e2e;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.startsWith;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.Predicate;
import java.util.function.Supplier;
import java.util.stream.Collectors;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

import io.restassured.http.ContentType;
import io.restassured.path.json.JsonPath;
import io.restassured.response.Response;

/**
 * The billing loop of design.md across the four real services, each step through the HTTP APIs with the
 * token of the role that would make the call in production. The steps share one organisation, in order:
 * provisioning, a tiered plan on metered Stripe prices, a contract, usage with replays, a quota block, Stripe
 * metering, the period close, the Stripe invoice push, a failed payment through dunning and back, and the export.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class BillingLoopTest {

    private static final String ORG = "loop-" + UUID.randomUUID().toString().substring(0, 8);
    private static final String PLAN = "team-" + ORG;
    /**
     * A second organisation on the same plan in metered billing mode: Stripe bills its tokens from meter events,
     * so its Accrue invoice carries the base fee only. The loop's own organisation bills flat, so Accrue's invoice
     * carries the token overage and no meter event is sent for it: the same tokens are never charged twice.
     */
    private static final String METERED_ORG = "meter-" + ORG.substring(5);
    private static final List<String> SERVICES = List.of("subscription-service", "usage-service", "invoice-service",
            "contract-service");
    /** Live tokens of the loop's accepted events: 1.2M + 0.15M + 1,000 (see the usage step). */
    private static final long LIVE_TOKENS = 1_351_000;
    /** The API version stripe-java 33 pins, which the suite's webhook endpoints are created with. */
    private static final String STRIPE_API_VERSION = "2026-07-29.dahlia";
    private static String admin;
    private static String reporter;
    private static String meteredAdmin;
    private static String meteredReporter;
    private static Instant periodEnd;
    private static String contractId;
    private static List<Map<String, Object>> loopEvents;
    private static Instant usageRecordedFrom;
    private static String invoiceId;
    private static String firstRunId;

    /** Every Stripe call the services made in this class had a Stripe-shaped answer in the stand-in. */
    @org.junit.jupiter.api.AfterAll
    static void everyStripeCallWasAnswered() {
        org.junit.jupiter.api.Assertions.assertEquals(List.of(), StripeStandIn.unanswered(),
                "requests the Stripe stand-in has no mapping for (add one under local-stack/stripe/mappings)");
    }

    @BeforeAll
    static void suite() {
        Suite.stack();
        admin = Suite.token("admin@" + ORG, ORG, "billing-admin");
        reporter = Suite.reporterToken(ORG, "live");
        meteredAdmin = Suite.token("admin@" + METERED_ORG, METERED_ORG, "billing-admin");
        meteredReporter = Suite.reporterToken(METERED_ORG, "live");
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
                                "tiers", List.of(Map.of("unitAmount", new BigDecimal("0.50"))))),
                        "stripePriceIds", Map.of("base", "price_team_base", "metered", "price_team_tokens")))
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
    void operatorEnablesMeteringAndTheAdminMovesToMeteredPrices() {
        given().auth().oauth2(Suite.operatorToken()).contentType(ContentType.JSON)
                .body(Map.of("orgId", METERED_ORG, "name", "Meter Labs", "currency", "USD", "timeZone", "UTC"))
                .post(Suite.url("subscription-service") + "/v1/accounts").then().statusCode(201);
        String url = Suite.url("subscription-service") + "/v1/accounts/{org}";
        given().auth().oauth2(meteredAdmin).contentType(ContentType.JSON)
                .body(Map.of("planSlug", PLAN, "timing", "now"))
                .post(url + "/subscription/plan-change", METERED_ORG).then().statusCode(200);
        given().auth().oauth2(meteredAdmin).contentType(ContentType.JSON).body(Map.of("billingMode", "metered"))
                .put(url + "/subscription/billing-mode", METERED_ORG)
                .then().statusCode(422).contentType("application/problem+json")
                .body("code", equalTo("metered_not_enabled"));
        given().auth().oauth2(meteredAdmin).contentType(ContentType.JSON).body(Map.of("meteredEnabled", true))
                .put(url + "/feature-flags", METERED_ORG)
                .then().statusCode(403); // metered_enabled is the operator's decision
        for (String org : List.of(METERED_ORG, ORG)) { // enabled for both; only the metered org switches mode
            given().auth().oauth2(Suite.operatorToken()).contentType(ContentType.JSON)
                    .body(Map.of("meteredEnabled", true)).put(url + "/feature-flags", org)
                    .then().statusCode(200).body("meteredEnabled", equalTo(true));
        }
        given().auth().oauth2(meteredAdmin).contentType(ContentType.JSON).body(Map.of("billingMode", "metered"))
                .put(url + "/subscription/billing-mode", METERED_ORG)
                .then().statusCode(200).body("billingMode", equalTo("metered"));
        given().auth().oauth2(meteredAdmin).get(url + "/status", METERED_ORG)
                .then().statusCode(200).body("meteredEnabled", equalTo(true)).body("billingMode", equalTo("metered"));
        given().auth().oauth2(admin).get(url + "/status", ORG)
                .then().statusCode(200).body("meteredEnabled", equalTo(true)).body("billingMode", equalTo("flat"));
    }

    @Test
    @Order(4)
    void billingAdminSignsAnEnterpriseContract() {
        Instant now = Instant.parse(given().auth().oauth2(Suite.operatorToken())
                .get(Suite.url("contract-service") + "/v1/operator/clock").then().statusCode(200)
                .extract().path("now"));
        contractId = given().auth().oauth2(admin).contentType(ContentType.JSON)
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
    @Order(5)
    void gatewayPostsUsageExactlyOnceWhateverTheReplays() {
        usageRecordedFrom = clock("usage-service");
        // at the usage clock's now: after the plan changes of steps 2 and 3, so the usage is priced by the tiered
        // plan (billing-rules, Invoices rule 3: usage is priced by the plan in effect when it occurred)
        Instant at = usageRecordedFrom;
        List<Map<String, Object>> events = List.of(
                event("e-1", "u-1", "gpt-4o", 1_000_000, 200_000, at),
                event("e-2", "u-2", "claude-sonnet-4", 100_000, 50_000, at),
                event("e-1", "u-1", "gpt-4o", 1_000_000, 200_000, at)); // replay inside the batch
        loopEvents = events;
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
        assertEquals(LIVE_TOKENS, ((Number) totalsBefore.get("totalTokens")).longValue());

        // the metered organisation's gateway posts the same usage (its own event ids space: no clash)
        JsonPath metered = postBatch(meteredReporter, events);
        assertEquals(List.of("accepted", "accepted", "duplicate"), metered.getList("results.status"));
        assertEquals(List.of("accepted"), postBatch(meteredReporter,
                List.of(event("e-4", "u-3", "gpt-4o-mini", 1000, 0, at))).getList("results.status"));
    }

    @Test
    @Order(6)
    void quotaBlocksOneEndUserWithRetryAfter() {
        String url = Suite.url("usage-service") + "/v1/orgs/{org}";
        // the first plan becomes the default: an unlimited one for everybody, then a capped one for u-1 alone
        putRatePlan(Map.of("slug", "standard", "name", "Standard", "pricing", "markup",
                "markupPercent", new BigDecimal("20"), "enforcement", "block", "isDefault", true));
        putRatePlan(Map.of("slug", "capped", "name", "Capped", "pricing", "markup",
                "markupPercent", new BigDecimal("20"), "monthlyTokenLimit", 1_000_000L, "enforcement", "block",
                "isDefault", false));
        given().auth().oauth2(admin).contentType(ContentType.JSON).body(Map.of("planSlug", "capped"))
                .put(url + "/end-users/{user}/plan", ORG, "u-1")
                .then().statusCode(200).body("planSlug", equalTo("capped"));

        // u-1 used 1.2M live tokens this month (the usage step): over the capped plan's 1M a month. (The month
        // window, not the day: it turns with the billing period, which this loop already assumes does not turn.)
        Instant now = clock("usage-service");
        Response blocked = given().auth().oauth2(reporter)
                .queryParam("endUserId", "u-1").queryParam("model", "gpt-4o").queryParam("estimatedTokens", 1000)
                .get(Suite.url("usage-service") + "/v1/quota/check");
        assertEquals(429, blocked.statusCode(), blocked.asString());
        assertTrue(blocked.contentType().startsWith("application/problem+json"), blocked.contentType());
        String retryAfter = blocked.header("Retry-After");
        assertNotNull(retryAfter, "Retry-After header");
        assertTrue(retryAfter.matches("[1-9][0-9]*"), "Retry-After is a positive number of seconds: " + retryAfter);
        JsonPath problem = blocked.jsonPath();
        assertEquals("quota_exceeded", problem.getString("code"));
        assertEquals(429, problem.getInt("status"));
        assertNotNull(problem.getString("title"));
        assertEquals("monthly_token_limit", problem.getString("reason"));
        assertEquals("u-1", problem.getString("endUserId"));
        assertEquals("capped", problem.getString("plan"));
        // Retry-After is the wait until the month window resets (next UTC month), as the body's resetsAt says
        Instant resetsAt = Instant.parse(problem.getString("resetsAt"));
        assertEquals(now.atZone(ZoneOffset.UTC).toLocalDate().withDayOfMonth(1).plusMonths(1)
                .atStartOfDay(ZoneOffset.UTC).toInstant(), resetsAt);
        long expected = Duration.between(now, resetsAt).toSeconds();
        assertTrue(Math.abs(Long.parseLong(retryAfter) - expected) <= 60,
                "Retry-After " + retryAfter + " s, " + expected + " s to " + resetsAt);

        // only u-1 is blocked: u-2 on the default plan may call, and u-1's test credential has its own counters
        given().auth().oauth2(reporter)
                .queryParam("endUserId", "u-2").queryParam("model", "gpt-4o").queryParam("estimatedTokens", 1000)
                .get(Suite.url("usage-service") + "/v1/quota/check")
                .then().statusCode(200).body("allowed", equalTo(true)).body("plan", equalTo("standard"));
        given().auth().oauth2(Suite.reporterToken(ORG, "test"))
                .queryParam("endUserId", "u-1").queryParam("model", "gpt-4o").queryParam("estimatedTokens", 1000)
                .get(Suite.url("usage-service") + "/v1/quota/check")
                .then().statusCode(200).body("allowed", equalTo(true));
    }

    @Test
    @Order(7)
    void stripeReceivesTheMeterEventsOfTheUsageExactlyOnce() {
        // Two hours pass without a metering round (the scheduler runs every 5 min of real time, the clock jumped):
        // the hour of the usage is no longer the last closed one and must still be reported.
        moveClocks(Map.of("advanceBy", "PT2H"));
        Instant closedUntil = clock("usage-service").truncatedTo(ChronoUnit.HOURS);
        Instant from = usageRecordedFrom.truncatedTo(ChronoUnit.HOURS);
        runMeteringRound();
        for (int replay = 0; replay < 2; replay++) {
            assertEquals(List.of("duplicate", "duplicate", "duplicate"),
                    postBatch(meteredReporter, loopEvents).getList("results.status"));
            runMeteringRound();
        }
        JsonPath reconciliation = awaitPath(() -> given().auth().oauth2(meteredAdmin)
                .queryParam("from", from.toString()).queryParam("to", closedUntil.toString())
                .get(Suite.url("usage-service") + "/v1/orgs/{org}/metering/reconciliation", METERED_ORG)
                .then().statusCode(200).extract().jsonPath(), r -> r.getBoolean("matches"), "metering reconciled");
        assertEquals(LIVE_TOKENS, reconciliation.getLong("recordedTokens"));
        assertEquals(LIVE_TOKENS, reconciliation.getLong("reportedTokens"), reconciliation.prettify());
        assertEquals(0, reconciliation.getLong("pendingTokens"));
        assertEquals(0, reconciliation.getLong("unqueuedTokens"));
        assertMeterEventsExactlyOnce();
        // the flat organisation, metering enabled but billed by Accrue: nothing of its usage went to Stripe's meter
        assertTrue(StripeStandIn.posts("/v2/billing/meter_events",
                r -> r.json().getString("identifier").startsWith("accrue_" + ORG + "_")).isEmpty(),
                "a flat account's tokens were reported to Stripe's meter");
    }

    @Test
    @Order(8)
    void theCronJobsCallClosesThePeriodIntoOneInvoice() throws InterruptedException {
        moveClocks(Map.of("setTo", periodEnd.plus(Duration.ofHours(1)).toString()));
        String runId = given().auth().oauth2(Suite.serviceToken()).contentType(ContentType.JSON).body("{}")
                .post(Suite.url("invoice-service") + "/v1/billing-runs")
                .then().statusCode(202).extract().path("id");
        String status = awaitRun(runId);
        assertEquals("completed", status, "run " + runId);
        firstRunId = runId;

        JsonPath invoices = given().auth().oauth2(admin)
                .get(Suite.url("invoice-service") + "/v1/orgs/{org}/invoices", ORG)
                .then().statusCode(200).extract().jsonPath();
        List<String> ids = invoices.getList("items.id");
        assertEquals(1, ids.size(), "the period closed into one invoice");
        invoiceId = ids.get(0);
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

        // the metered organisation: Stripe bills its tokens from the meter events, Accrue's invoice the base fee only
        JsonPath meteredList = given().auth().oauth2(meteredAdmin)
                .get(Suite.url("invoice-service") + "/v1/orgs/{org}/invoices", METERED_ORG)
                .then().statusCode(200).extract().jsonPath();
        assertEquals(1, meteredList.getList("items").size(), "the metered organisation's period closed too");
        JsonPath meteredInvoice = given().auth().oauth2(meteredAdmin)
                .get(Suite.url("invoice-service") + "/v1/orgs/{org}/invoices/{id}", METERED_ORG,
                        meteredList.getString("items[0].id"))
                .then().statusCode(200).extract().jsonPath();
        assertEquals(List.of("base_fee"), meteredInvoice.getList("lines.type"), meteredInvoice.prettify());

        // a second run for the same instant does nothing new: one invoice per (account, period)
        String again = given().auth().oauth2(Suite.serviceToken()).contentType(ContentType.JSON).body("{}")
                .post(Suite.url("invoice-service") + "/v1/billing-runs")
                .then().statusCode(202).extract().path("id");
        awaitRun(again);
        assertEquals(ids.size(), given().auth().oauth2(admin)
                .get(Suite.url("invoice-service") + "/v1/orgs/{org}/invoices", ORG)
                .then().extract().jsonPath().getList("items").size());
    }

    @Test
    @Order(9)
    void stripeReceivesTheInvoiceExactlyOnce() throws InterruptedException {
        // invoice-service's outbox delivers every 15 s: wait (bounded) until the invoice carries its Stripe id
        JsonPath invoice = awaitPath(() -> given().auth().oauth2(admin)
                .get(Suite.url("invoice-service") + "/v1/orgs/{org}/invoices/{id}", ORG, invoiceId)
                .then().statusCode(200).extract().jsonPath(), i -> i.getString("stripeInvoiceId") != null,
                "invoice pushed to Stripe");
        String stripeInvoiceId = invoice.getString("stripeInvoiceId");
        // a later billing run (a new as-of, so a new run that visits every account again) and another metering
        // round after the push; then one more outbox interval passes before the journal is read
        String rerun = given().auth().oauth2(Suite.serviceToken()).contentType(ContentType.JSON)
                .body(Map.of("asOf", clock("invoice-service").toString()))
                .post(Suite.url("invoice-service") + "/v1/billing-runs")
                .then().statusCode(202).extract().path("id");
        assertNotEquals(firstRunId, rerun, "a new run");
        assertEquals("completed", awaitRun(rerun));
        runMeteringRound();
        // the outbox runs every 15 s: for a whole interval after the rerun, Stripe gets no further write about
        // this invoice (a second push would show up here as another create, item or finalize)
        long writes = stripeWritesAbout(invoiceId, stripeInvoiceId);
        org.awaitility.Awaitility.await("no further Stripe write about the invoice for one outbox interval")
                .during(Duration.ofSeconds(16)).atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofSeconds(1))
                .until(() -> stripeWritesAbout(invoiceId, stripeInvoiceId), equalTo(writes));

        String customer = stripeCustomer();
        String key = "accrue-invoice-" + invoiceId;
        List<StripeStandIn.Sent> creates = StripeStandIn.posts("/v1/invoices",
                r -> invoiceId.equals(r.form().get("metadata[accrue_invoice_id]")));
        assertEquals(1, creates.size(), "one Stripe invoice for the closed invoice: " + creates);
        StripeStandIn.Sent create = creates.get(0);
        assertEquals(key + "-invoice", create.idempotencyKey());
        assertEquals(customer, create.form().get("customer"));
        assertEquals("usd", create.form().get("currency"));
        assertEquals(invoice.getString("number"), create.form().get("metadata[accrue_invoice_number]"));

        List<StripeStandIn.Sent> items = StripeStandIn.posts("/v1/invoiceitems",
                r -> stripeInvoiceId.equals(r.form().get("invoice")));
        List<Map<String, String>> lines = invoice.getList("lines");
        assertEquals(lines.size(), items.size(), "one Stripe item per line: " + items);
        for (Map<String, String> line : lines) {
            String position = String.valueOf(line.get("position"));
            List<StripeStandIn.Sent> item = items.stream()
                    .filter(i -> position.equals(i.form().get("metadata[accrue_line]"))).toList();
            assertEquals(1, item.size(), "line " + position);
            assertEquals(key + "-item-" + position, item.get(0).idempotencyKey());
            // Stripe's integer minor units appear only at the adapter: cents of the rounded line amount
            assertEquals(new BigDecimal(line.get("amount")).movePointRight(2).longValueExact(),
                    Long.parseLong(item.get(0).form().get("amount")), "line " + position);
            assertEquals(customer, item.get(0).form().get("customer"));
        }
        assertEquals(new BigDecimal(invoice.getString("total")).movePointRight(2).longValueExact(),
                items.stream().mapToLong(i -> Long.parseLong(i.form().get("amount"))).sum(),
                "items add up to the total");

        List<StripeStandIn.Sent> finalised = StripeStandIn.posts("/v1/invoices/" + stripeInvoiceId + "/finalize",
                r -> true);
        assertEquals(1, finalised.size(), "finalised once");
        assertEquals(key + "-finalize", finalised.get(0).idempotencyKey());

        // across the whole suite: one create and one finalize per closed invoice, and no Stripe write without
        // one of Accrue's deterministic idempotency keys (invariant 4)
        List<StripeStandIn.Sent> journal = StripeStandIn.journal();
        Map<String, Long> createsPerInvoice = journal.stream()
                .filter(r -> r.method().equals("POST") && r.path().equals("/v1/invoices"))
                .collect(Collectors.groupingBy(r -> String.valueOf(r.form().get("metadata[accrue_invoice_id]")),
                        Collectors.counting()));
        assertTrue(createsPerInvoice.values().stream().allMatch(n -> n == 1),
                "creates per invoice " + createsPerInvoice);
        Map<String, Long> finalizesPerInvoice = journal.stream()
                .filter(r -> r.method().equals("POST") && r.path().matches("/v1/invoices/[^/]+/finalize"))
                .collect(Collectors.groupingBy(StripeStandIn.Sent::path, Collectors.counting()));
        assertTrue(finalizesPerInvoice.values().stream().allMatch(n -> n == 1), "finalizes " + finalizesPerInvoice);
        List<String> unkeyed = journal.stream().filter(r -> r.method().equals("POST"))
                .filter(r -> r.idempotencyKey() == null || !r.idempotencyKey().startsWith("accrue"))
                .map(r -> r.path() + " " + r.idempotencyKey()).toList();
        assertEquals(List.of(), unkeyed, "Stripe writes without an Accrue idempotency key");
        assertMeterEventsExactlyOnce();
    }

    @Test
    @Order(10)
    void aFailedPaymentWalksTheAccountIntoDunningAndPaymentBringsItBack() throws InterruptedException {
        String customer = stripeCustomer();
        JsonPath invoice = given().auth().oauth2(admin)
                .get(Suite.url("invoice-service") + "/v1/orgs/{org}/invoices/{id}", ORG, invoiceId)
                .then().statusCode(200).extract().jsonPath();
        String accounts = Suite.url("subscription-service") + "/v1/accounts/{org}";
        Map<String, String> checkout = Map.of("priceId", "price_team_base",
                "successUrl", "https://app.loop.example/billing/done", "cancelUrl", "https://app.loop.example/billing");

        Instant failedAt = clock("subscription-service");
        String failed = invoiceEvent("invoice.payment_failed", failedAt.minusSeconds(30), invoice, customer);
        // a forged event is refused before anything is stored
        given().header("Stripe-Signature", StripeStandIn.signature(failed, "whsec_forged", failedAt.getEpochSecond()))
                .contentType(ContentType.JSON).body(failed)
                .post(Suite.url("subscription-service") + "/v1/stripe/webhooks")
                .then().statusCode(400).contentType("application/problem+json")
                .body("code", equalTo("invalid_signature"));
        // Stripe delivers the event to both endpoints, and may deliver it twice
        postWebhook("subscription-service", failed).then().statusCode(200).body("duplicate", equalTo(false));
        postWebhook("subscription-service", failed).then().statusCode(200).body("duplicate", equalTo(true));
        postWebhook("invoice-service", failed).then().statusCode(200).body("status", equalTo("ignored"));

        awaitPath(() -> given().auth().oauth2(admin).get(accounts + "/status", ORG).then().statusCode(200)
                .extract().jsonPath(), s -> "past_due".equals(s.getString("status")), "account past_due");
        given().auth().oauth2(admin).get(accounts + "/spend-gate", ORG)
                .then().statusCode(200).body("allowed", equalTo(false)).body("reason", equalTo("payment_past_due"));
        int sessionsBefore = checkoutSessions(customer);
        given().auth().oauth2(admin).contentType(ContentType.JSON).body(checkout)
                .post(accounts + "/checkout-sessions", ORG)
                .then().statusCode(409).contentType("application/problem+json")
                .body("code", equalTo("spend_blocked")).body("reason", equalTo("payment_past_due"));
        assertEquals(sessionsBefore, checkoutSessions(customer), "a refused checkout never reaches Stripe");
        // dunning blocks new charges, not usage: only a suspension does
        given().auth().oauth2(reporter).queryParam("endUserId", "u-2").queryParam("estimatedTokens", 10)
                .get(Suite.url("usage-service") + "/v1/quota/check").then().statusCode(200);

        Instant paidAt = clock("subscription-service");
        String paid = invoiceEvent("invoice.paid", paidAt, invoice, customer);
        postWebhook("subscription-service", paid).then().statusCode(200).body("duplicate", equalTo(false));
        postWebhook("invoice-service", paid).then().statusCode(200).body("status", equalTo("applied"));
        awaitPath(() -> given().auth().oauth2(admin).get(accounts + "/status", ORG).then().statusCode(200)
                .extract().jsonPath(), s -> "active".equals(s.getString("status")), "account active again");
        given().auth().oauth2(admin).get(accounts + "/spend-gate", ORG)
                .then().statusCode(200).body("allowed", equalTo(true));
        given().auth().oauth2(admin).contentType(ContentType.JSON).body(checkout)
                .post(accounts + "/checkout-sessions", ORG)
                .then().statusCode(200).body("url", startsWith("https://checkout.stripe.com/"));
        assertEquals(sessionsBefore + 1, checkoutSessions(customer), "the checkout reached Stripe once");
        given().auth().oauth2(admin).get(Suite.url("invoice-service") + "/v1/orgs/{org}/invoices/{id}", ORG, invoiceId)
                .then().statusCode(200).body("status", equalTo("paid"));
    }

    @Test
    @Order(12)
    void aDisputeOnAChargeBlocksNewChargesUntilItIsWon() {
        // Stripe's dispute events name the charge, not the customer: subscription-service reads the charge
        // (GET /v1/charges/{id}) to find whose it is, and the stand-in answers it for ch_local_<customer id>
        String charge = "ch_local_" + stripeCustomer();
        String accounts = Suite.url("subscription-service") + "/v1/accounts/{org}";
        String dispute = "dp_" + UUID.randomUUID().toString().replace("-", "").substring(0, 20);
        Instant opened = clock("subscription-service");
        postWebhook("subscription-service", disputeEvent("charge.dispute.created", opened, dispute, charge,
                "needs_response")).then().statusCode(200);
        awaitPath(() -> given().auth().oauth2(admin).get(accounts + "/spend-gate", ORG).then().statusCode(200)
                .extract().jsonPath(), g -> "open_dispute".equals(g.getString("reason")), "spend gate: open dispute");
        assertTrue(StripeStandIn.journal().stream()
                .anyMatch(r -> r.method().equals("GET") && r.path().equals("/v1/charges/" + charge)),
                "the charge was read from Stripe to find its customer");

        postWebhook("subscription-service", disputeEvent("charge.dispute.closed", opened.plusSeconds(1), dispute,
                charge, "won")).then().statusCode(200);
        awaitPath(() -> given().auth().oauth2(admin).get(accounts + "/spend-gate", ORG).then().statusCode(200)
                .extract().jsonPath(), g -> g.getBoolean("allowed"), "spend gate open again after the dispute");
    }

    private static String disputeEvent(String type, Instant created, String dispute, String charge, String status) {
        return """
                {"id":"evt_%s","object":"event","api_version":"%s","created":%d,"data":{"object":{"id":"%s",\
                "object":"dispute","amount":1000,"charge":"%s","created":%d,"currency":"usd","livemode":false,\
                "reason":"fraudulent","status":"%s"}},"livemode":false,"pending_webhooks":1,\
                "request":{"id":null,"idempotency_key":null},"type":"%s"}"""
                .formatted(UUID.randomUUID().toString().replace("-", "").substring(0, 24), STRIPE_API_VERSION,
                        created.getEpochSecond(), dispute, charge, created.getEpochSecond(), status, type);
    }

    @Test
    @Order(11)
    void theBillingExportHoldsItAll() {
        given().auth().oauth2(Suite.token("member@" + ORG, ORG, "member"))
                .get(Suite.url("invoice-service") + "/v1/orgs/{org}/billing-export", ORG)
                .then().statusCode(403);
        Response response = given().auth().oauth2(admin)
                .get(Suite.url("invoice-service") + "/v1/orgs/{org}/billing-export", ORG);
        assertEquals(200, response.statusCode(), response.asString());
        assertEquals("accrue.billing-export/1", response.header("X-Accrue-Export-Schema"));
        JsonPath export = response.jsonPath();
        System.out.println("[e2e] export: " + export.prettify());
        assertEquals("accrue.billing-export", export.getString("schema"));
        assertEquals(ORG, export.getString("orgId"));

        JsonPath invoice = given().auth().oauth2(admin)
                .get(Suite.url("invoice-service") + "/v1/orgs/{org}/invoices/{id}", ORG, invoiceId)
                .then().statusCode(200).extract().jsonPath();
        List<Map<String, Object>> invoices = export.getList("invoices");
        assertEquals(List.of(invoiceId), invoices.stream().map(i -> i.get("id")).toList());
        Map<String, Object> exported = invoices.get(0);
        for (String field : List.of("number", "status", "periodStart", "periodEnd", "currency", "stripeInvoiceId")) {
            assertEquals(invoice.getString(field), exported.get(field), field);
        }
        assertEquals("paid", exported.get("status"));
        assertEquals(0,
                new BigDecimal(invoice.getString("total")).compareTo(new BigDecimal((String) exported.get("total"))));
        assertEquals(0, new BigDecimal(invoice.getString("subtotal"))
                .compareTo(new BigDecimal((String) exported.get("subtotal"))));
        @SuppressWarnings("unchecked")
        List<Map<String, Object>> lines = (List<Map<String, Object>>) exported.get("lines");
        List<Map<String, Object>> detailLines = invoice.getList("lines");
        assertEquals(detailLines.size(), lines.size());
        assertEquals(lines.size(), ((Number) exported.get("linesCount")).intValue());
        BigDecimal sum = BigDecimal.ZERO;
        for (int i = 0; i < lines.size(); i++) {
            Map<String, Object> line = lines.get(i), detail = detailLines.get(i);
            assertEquals(String.valueOf(detail.get("position")), String.valueOf(line.get("position")));
            assertEquals(detail.get("type"), line.get("type"));
            for (String amount : List.of("quantity", "unitAmount", "amount")) {
                assertEquals(0, new BigDecimal(String.valueOf(detail.get(amount)))
                        .compareTo(new BigDecimal(String.valueOf(line.get(amount)))), "line " + i + " " + amount);
            }
            sum = sum.add(new BigDecimal((String) line.get("amount")));
        }
        assertEquals(0, sum.compareTo(new BigDecimal((String) exported.get("total"))), "export total = its lines");
        assertEquals(new BigDecimal("175.50"), lineAmount(invoice, "overage"));
        assertEquals(lines.size(), export.getInt("counts.invoiceLines"));

        // the timeline shows the dunning walk, the contract is there, and the usage of the closed period
        List<Map<String, Object>> events = export.getList("subscriptionEvents");
        assertTrue(
                events.stream()
                        .anyMatch(e -> "active".equals(e.get("fromStatus")) && "past_due".equals(e.get("toStatus"))),
                "active → past_due in " + events);
        assertTrue(
                events.stream()
                        .anyMatch(e -> "past_due".equals(e.get("fromStatus")) && "active".equals(e.get("toStatus"))),
                "past_due → active in " + events);
        assertEquals(events.size(), export.getInt("counts.subscriptionEvents"));
        assertEquals(List.of(contractId), export.getList("contracts.id"));
        List<Map<String, Object>> summaries = export.getList("usageSummaries");
        assertEquals(1, summaries.size(), "one closed period");
        assertEquals(LIVE_TOKENS, export.getLong("usageSummaries[0].totals.totalTokens"));
        assertEquals(Instant.parse(invoice.getString("periodStart")),
                Instant.parse(export.getString("usageSummaries[0].from")));
        assertEquals(Instant.parse(invoice.getString("periodEnd")),
                Instant.parse(export.getString("usageSummaries[0].to")));
    }

    private static void putRatePlan(Map<String, Object> plan) {
        given().auth().oauth2(admin).contentType(ContentType.JSON).body(plan)
                .put(Suite.url("usage-service") + "/v1/orgs/{org}/rate-plans/{slug}", ORG, plan.get("slug"))
                .then().statusCode(200).body("slug", equalTo(plan.get("slug")));
    }

    private static void runMeteringRound() {
        // The round runs in the background (202); wait until it is done.
        String id = given().auth().oauth2(Suite.operatorToken())
                .post(Suite.url("usage-service") + "/v1/operator/metering/run").then().statusCode(202)
                .extract().path("id");
        org.awaitility.Awaitility.await().atMost(java.time.Duration.ofMinutes(2)).until(() -> {
            var round = given().auth().oauth2(Suite.operatorToken())
                    .get(Suite.url("usage-service") + "/v1/operator/metering/run").then().statusCode(200).extract();
            return id.equals(round.path("id")) && !"RUNNING".equals(round.path("state"));
        });
    }

    /**
     * Each hour of the loop's live usage reached Stripe as one meter event, with its deterministic identifier as
     * the idempotency key, for the account's customer; together they are the live tokens, once.
     */
    private static void assertMeterEventsExactlyOnce() {
        String prefix = "accrue_" + METERED_ORG + "_accrue_llm_tokens_";
        List<StripeStandIn.Sent> events = StripeStandIn.posts("/v2/billing/meter_events",
                r -> r.json().getString("identifier").startsWith(prefix));
        Map<String, Long> perIdentifier = events.stream()
                .collect(Collectors.groupingBy(r -> r.json().getString("identifier"), Collectors.counting()));
        assertFalse(perIdentifier.isEmpty(), "no meter event reached Stripe");
        assertTrue(perIdentifier.values().stream().allMatch(n -> n == 1),
                "meter events per identifier " + perIdentifier);
        String customer = given().auth().oauth2(meteredAdmin)
                .get(Suite.url("subscription-service") + "/v1/accounts/{org}", METERED_ORG)
                .then().statusCode(200).extract().path("stripeCustomerId");
        long total = 0;
        for (StripeStandIn.Sent event : events) {
            JsonPath body = event.json();
            String identifier = body.getString("identifier");
            assertEquals(identifier, event.idempotencyKey());
            assertEquals(0, Long.parseLong(identifier.substring(prefix.length())) % 3600,
                    "an hour window: " + identifier);
            assertEquals("accrue_llm_tokens", body.getString("event_name"));
            assertEquals(customer, body.getString("payload.stripe_customer_id"));
            total += Long.parseLong(body.getString("payload.value"));
        }
        assertEquals(LIVE_TOKENS, total, "meter events " + perIdentifier);
    }

    private static String stripeCustomer() {
        String customer = given().auth().oauth2(admin)
                .get(Suite.url("subscription-service") + "/v1/accounts/{org}", ORG)
                .then().statusCode(200).extract().path("stripeCustomerId");
        assertNotNull(customer, "the account has a Stripe customer");
        return customer;
    }

    private static int checkoutSessions(String customer) {
        return StripeStandIn.posts("/v1/checkout/sessions", r -> customer.equals(r.form().get("customer"))).size();
    }

    /** A Stripe event of an invoice of this organisation, shaped as Stripe sends it. */
    private static String invoiceEvent(String type, Instant created, JsonPath invoice, String customer) {
        long cents = new BigDecimal(invoice.getString("total")).movePointRight(2).longValueExact();
        boolean paid = type.equals("invoice.paid");
        String object = """
                {"id":"%s","object":"invoice","account_country":"US","amount_due":%d,"amount_paid":%d,\
                "amount_remaining":%d,"attempt_count":1,"attempted":true,"auto_advance":%s,"billing_reason":"manual",\
                "collection_method":"charge_automatically","created":%d,"currency":"usd","customer":"%s",\
                "description":"Accrue invoice %s","livemode":false,\
                "metadata":{"accrue_invoice_id":"%s","accrue_invoice_number":"%s"},"next_payment_attempt":%s,\
                "status":"%s","status_transitions":{"finalized_at":%d,"paid_at":%s},"subtotal":%d,"total":%d}"""
                .formatted(invoice.getString("stripeInvoiceId"), cents, paid ? cents : 0, paid ? 0 : cents, !paid,
                        created.getEpochSecond() - 3600, customer, invoice.getString("number"), invoiceId,
                        invoice.getString("number"),
                        paid ? "null" : String.valueOf(created.getEpochSecond() + 3 * 86400),
                        paid ? "paid" : "open", created.getEpochSecond() - 3600,
                        paid ? String.valueOf(created.getEpochSecond()) : "null", cents, cents);
        return """
                {"id":"evt_%s","object":"event","api_version":"%s","created":%d,"data":{"object":%s},\
                "livemode":false,"pending_webhooks":2,"request":{"id":null,"idempotency_key":null},"type":"%s"}"""
                .formatted(UUID.randomUUID().toString().replace("-", "").substring(0, 24), STRIPE_API_VERSION,
                        created.getEpochSecond(), object, type);
    }

    /** Signed with the endpoint secret at the receiving service's own "now" (its clock is the test clock). */
    private static Response postWebhook(String service, String payload) {
        long t = clock(service).getEpochSecond();
        return given()
                .header("Stripe-Signature", StripeStandIn.signature(payload, Suite.stack().stripeWebhookSecret(), t))
                .contentType(ContentType.JSON).body(payload).post(Suite.url(service) + "/v1/stripe/webhooks");
    }

    private static Instant clock(String service) {
        return Instant.parse(given().auth().oauth2(Suite.operatorToken())
                .get(Suite.url(service) + "/v1/operator/clock").then().statusCode(200).extract().path("now"));
    }

    /** Moves the clocks of the four services together ({@code setTo} or {@code advanceBy}). */
    private static void moveClocks(Map<String, String> change) {
        for (String service : SERVICES) {
            given().auth().oauth2(Suite.operatorToken()).contentType(ContentType.JSON).body(change)
                    .post(Suite.url(service) + "/v1/operator/clock").then().statusCode(200);
        }
    }

    /** Stripe writes (POSTs) the stand-in received about one Accrue invoice and its Stripe invoice. */
    private static long stripeWritesAbout(String invoiceId, String stripeInvoiceId) {
        return StripeStandIn.journal().stream().filter(r -> r.method().equals("POST"))
                .filter(r -> invoiceId.equals(r.form().get("metadata[accrue_invoice_id]"))
                        || stripeInvoiceId.equals(r.form().get("invoice"))
                        || r.path().startsWith("/v1/invoices/" + stripeInvoiceId + "/"))
                .count();
    }

    /** Polls until the condition holds, at most 90 s (the slowest background job here runs every 15 s). */
    private static JsonPath awaitPath(Supplier<JsonPath> read, Predicate<JsonPath> condition, String what) {
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

    private static BigDecimal lineAmount(JsonPath invoice, String type) {
        return invoice.<Map<String, String>>getList("lines").stream().filter(l -> type.equals(l.get("type")))
                .map(l -> new BigDecimal(l.get("amount"))).reduce(BigDecimal.ZERO, BigDecimal::add);
    }

    /** The run's final status, or the status it still had after 60 s (the caller's assertion then fails). */
    private static String awaitRun(String runId) throws InterruptedException {
        String[] status = {""};
        try {
            org.awaitility.Awaitility.await("billing run " + runId + " finished").atMost(Duration.ofSeconds(60))
                    .pollDelay(Duration.ZERO).pollInterval(Duration.ofMillis(500)).pollInSameThread().until(() -> {
                        status[0] = given().auth().oauth2(Suite.serviceToken())
                                .get(Suite.url("invoice-service") + "/v1/billing-runs/{id}", runId)
                                .then().statusCode(200).extract().path("status");
                        return !List.of("pending", "planning", "running", "queued").contains(status[0]);
                    });
        } catch (org.awaitility.core.ConditionTimeoutException e) {
            // returned as is: the caller asserts the status it expected and shows this one
        }
        return status[0];
    }

    private static Map<String, Object> event(String id, String user, String model, long in, long out, Instant at) {
        return Map.of("eventId", id, "endUserId", user, "model", model, "inputTokens", in, "outputTokens", out,
                "occurredAt", at.toString());
    }

    private static JsonPath postBatch(List<Map<String, Object>> events) {
        return postBatch(reporter, events);
    }

    private static JsonPath postBatch(String token, List<Map<String, Object>> events) {
        return given().auth().oauth2(token).contentType(ContentType.JSON).body(Map.of("events", events))
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
