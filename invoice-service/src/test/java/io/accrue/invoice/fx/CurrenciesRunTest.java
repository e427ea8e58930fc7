package io.accrue.invoice.fx;

import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.contains;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.is;
import static org.hamcrest.Matchers.nullValue;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicLong;

import jakarta.inject.Inject;
import jakarta.persistence.EntityManager;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import com.github.tomakehurst.wiremock.WireMockServer;

import io.accrue.common.security.Roles;
import io.accrue.common.time.AdjustableClock;
import io.accrue.invoice.StandInsResource;
import io.accrue.invoice.invoices.Invoice;
import io.accrue.invoice.run.BillingRunService;
import io.accrue.invoice.run.BillingRunWorker;
import io.accrue.invoice.run.Neighbours;
import io.accrue.testing.TestTokens;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.smallrye.faulttolerance.api.CircuitBreakerMaintenance;

/**
 * Accounts billing in EUR, JPY, CHF and SEK while usage-service records provider cost in USD: the exchange-rate
 * table, its ECB import, the rule of docs/billing-rules.md "Currencies", and what a close does without a rate.
 */
@QuarkusTest
class CurrenciesRunTest {

    static final Instant NOW = Instant.parse("2026-03-15T10:00:00Z");
    private static final AtomicLong AS_OF = new AtomicLong();

    /** The ECB's daily file as published, for Thursday and Friday before the end of February 2026. */
    static final String ECB_HIST = """
            Date,USD,JPY,CYP,GBP,
            2026-02-27,1.0823,161.20,N/A,0.8512,
            2026-02-26,1.0800,162.00,N/A,0.8490,
            """;
    static final String COST = "250.123456789012";

    @Inject
    BillingRunService runs;
    @Inject
    BillingRunWorker worker;
    @Inject
    EntityManager em;
    @Inject
    AdjustableClock clock;
    @Inject
    CircuitBreakerMaintenance breakers;

    @BeforeEach
    void reset() {
        breakers.resetAll();
        Neighbours.reset();
        given().header("Authorization", operator()).contentType("text/csv").body(ECB_HIST)
                .when().post("/v1/exchange-rates/ecb-import").then().statusCode(200);
    }

    @AfterEach
    void restoreClock() {
        clock.set(NOW);
    }

    @Test
    void operatorApiAndImportAreGuardedAndRefuseBadInputWhole() {
        given().contentType("text/csv").body(ECB_HIST).when().post("/v1/exchange-rates/ecb-import").then()
                .statusCode(401);
        given().header("Authorization", TestTokens.bearer("o", Roles.OWNER)).contentType("text/csv").body(ECB_HIST)
                .when().post("/v1/exchange-rates/ecb-import").then().statusCode(403);
        // whatever the body's label: refused by role before anything looks at it
        given().header("Authorization", TestTokens.bearer("o", Roles.OWNER)).contentType(ContentType.JSON).body("{}")
                .when().post("/v1/exchange-rates/ecb-import").then().statusCode(403);
        given().header("Authorization", operator()).contentType(ContentType.JSON).body("{}")
                .when().post("/v1/exchange-rates/ecb-import").then().statusCode(422)
                .body("code", equalTo("rate_file_invalid"));
        given().header("Authorization", TestTokens.bearer("o", Roles.BILLING_ADMIN)).contentType(ContentType.JSON)
                .body("{\"rate\":\"1.5\"}").when().put("/v1/exchange-rates/USD/CHF/2026-02-27").then()
                .statusCode(403);
        // a replay of the same file stores nothing new
        given().header("Authorization", operator()).contentType("text/csv").body(ECB_HIST)
                .when().post("/v1/exchange-rates/ecb-import").then().statusCode(200)
                .body("stored", equalTo(0)).body("unchanged", equalTo(6)).body("days", equalTo(2))
                .body("firstDate", equalTo("2026-02-26")).body("lastDate", equalTo("2026-02-27"));
        // a bad line refuses the whole file: the good line before it is not stored either
        given().header("Authorization", operator()).contentType("text/csv")
                .body("Date,NOK,\n2026-02-27,11.5,\n2026-02-26,eleven,\n")
                .when().post("/v1/exchange-rates/ecb-import").then().statusCode(422)
                .contentType("application/problem+json").body("code", equalTo("rate_file_invalid"))
                .body("detail", containsString("line 3"));
        given().header("Authorization", operator()).queryParam("base", "EUR").queryParam("quote", "NOK")
                .when().get("/v1/exchange-rates").then().statusCode(200).body("size()", is(0));
        put("XYZ", "USD", "2026-02-27", "{\"rate\":\"1\"}").statusCode(422).body("code", equalTo("unknown_currency"));
        put("USD", "USD", "2026-02-27", "{\"rate\":\"1\"}").statusCode(422).body("code", equalTo("rate_pair_invalid"));
        put("USD", "CHF", "2026-03-16", "{\"rate\":\"0.9\"}").statusCode(422)
                .body("code", equalTo("rate_date_in_future"));
        put("USD", "CHF", "27-02-2026", "{\"rate\":\"0.9\"}").statusCode(400).body("code", equalTo("invalid_value"));
        put("USD", "CHF", "2026-02-27", "{\"rate\":\"0\"}").statusCode(422).body("code", equalTo("validation_failed"));
        put("USD", "CHF", "2026-02-27", "{\"rate\":\"0.9\",\"spread\":\"1\"}").statusCode(400)
                .body("code", equalTo("unknown_field"));
        given().header("Authorization", operator()).queryParam("base", "USD").queryParam("quote", "CHF")
                .when().get("/v1/exchange-rates").then().statusCode(200).body("size()", is(0));
        // unfiltered, newest day first; a page size outside 1–200 is refused
        given().header("Authorization", operator()).queryParam("from", "2026-02-26").queryParam("to", "2026-02-27")
                .queryParam("limit", 200).when().get("/v1/exchange-rates").then().statusCode(200)
                .body("[0].date", equalTo("2026-02-27"));
        given().header("Authorization", operator()).queryParam("limit", 0).when().get("/v1/exchange-rates").then()
                .statusCode(400).body("code", equalTo("invalid_limit"));
        // the rule, as the suite's services can ask it
        given().header("Authorization", TestTokens.as(Roles.BILLING_SERVICE).bearer())
                .queryParam("periodEnd", "2026-03-01T00:00:00Z")
                .when().get("/v1/exchange-rates/USD/JPY/effective").then().statusCode(200)
                .body("rate", equalTo("148.942067818535")).body("rateDate", equalTo("2026-02-27"))
                .body("source", equalTo("ECB (cross via EUR)")).body("forDay", equalTo("2026-02-28"));
        given().header("Authorization", operator()).queryParam("periodEnd", "2026-03-01T00:00:00Z")
                .when().get("/v1/exchange-rates/USD/SEK/effective").then().statusCode(404)
                .body("code", equalTo("exchange_rate_missing"));
    }

    @Test
    void aTieredAccountInACurrencyWithoutAnyRateIsInvoicedOnCounts() {
        String org = account("CHF", "pro-chf", "tiered", "89.00", 3_500_000, COST);
        close();
        // 89.00 + 2,500 packages of 1,000 × 0.003 = 96.50 CHF; the USD cost is not needed, no CHF rate exists
        given().header("Authorization", TestTokens.bearer(org, Roles.OWNER))
                .when().get("/v1/orgs/{org}/invoices/{id}", org, only(org).id).then().statusCode(200)
                .body("currency", equalTo("CHF")).body("lines.type", contains("base_fee", "overage"))
                .body("lines.amount", contains("89.00", "7.50")).body("lines.fx", contains(nullValue(), nullValue()))
                .body("total", equalTo("96.50"));
    }

    @Test
    void eurAndJpyCostPlusConvertAtTheRecordedRateWhichTheLineAndTheExportCarry() {
        String eur = account("EUR", "payg-eur", "pay_per_token", "0", 1_000_000, COST);
        String jpy = account("JPY", "ent-jpy", "enterprise", "30000", 1_000_000, COST);
        close();
        // USD→EUR: the inverse of Friday's 1.0823, at 12 places; the period's rate day is Saturday 28 February
        BigDecimal usdEur = BigDecimal.ONE.divide(new BigDecimal("1.0823"), 12, RoundingMode.HALF_UP);
        BigDecimal usdJpy = new BigDecimal("161.20").divide(new BigDecimal("1.0823"), 12, RoundingMode.HALF_UP);
        BigDecimal exactUsd = new BigDecimal(COST).multiply(new BigDecimal("1.20"));
        String eurAmount = exactUsd.multiply(usdEur).setScale(2, RoundingMode.HALF_UP).toPlainString();
        String jpyAmount = exactUsd.multiply(usdJpy).setScale(0, RoundingMode.HALF_UP).toPlainString();
        assertEquals("277.32", eurAmount); // 300.1481… × 0.9239582… = 277.3243…, cross-checked outside Java
        assertEquals("44705", jpyAmount);
        given().header("Authorization", TestTokens.bearer(eur, Roles.OWNER))
                .when().get("/v1/orgs/{org}/invoices/{id}", eur, only(eur).id).then().statusCode(200)
                .body("currency", equalTo("EUR")).body("lines.type", contains("llm_usage"))
                .body("lines[0].amount", equalTo(eurAmount))
                .body("lines[0].fx.fromCurrency", equalTo("USD"))
                .body("lines[0].fx.originalAmount", equalTo(exactUsd.setScale(12, RoundingMode.HALF_UP)
                        .stripTrailingZeros().toPlainString()))
                .body("lines[0].fx.rate", equalTo(usdEur.stripTrailingZeros().toPlainString()))
                .body("lines[0].fx.rateDate", equalTo("2026-02-27"))
                .body("lines[0].fx.source", equalTo("ECB (inverse)"))
                .body("total", equalTo(eurAmount));
        given().header("Authorization", TestTokens.bearer(jpy, Roles.OWNER))
                .when().get("/v1/orgs/{org}/invoices/{id}", jpy, only(jpy).id).then().statusCode(200)
                .body("lines.type", contains("base_fee", "llm_usage"))
                .body("lines.amount", contains("30000", jpyAmount))
                .body("lines[1].fx.source", equalTo("ECB (cross via EUR)"))
                .body("total", equalTo(String.valueOf(30000 + Integer.parseInt(jpyAmount))));
        // the billing export carries the rate of each converted line
        n().stubFor(get(urlPathEqualTo("/v1/orgs/" + eur + "/contracts"))
                .willReturn(okJson("{\"items\":[],\"nextCursor\":null,\"hasMore\":false}")));
        n().stubFor(get(urlPathEqualTo("/v1/accounts/" + eur + "/audit"))
                .willReturn(okJson("{\"items\":[],\"nextCursor\":null,\"hasMore\":false}")));
        given().header("Authorization", TestTokens.bearer(eur, Roles.OWNER))
                .when().get("/v1/orgs/{org}/billing-export", eur).then().statusCode(200)
                .body("invoices[0].lines[0].fx.rate", equalTo(usdEur.stripTrailingZeros().toPlainString()))
                .body("invoices[0].lines[0].fx.rateDate", equalTo("2026-02-27"))
                .body("invoices[0].lines[0].fx.source", equalTo("ECB (inverse)"));
    }

    @Test
    void aMissingRateFailsTheCloseVisiblyUntilAnOperatorRecordsOne() {
        String sek = account("SEK", "payg-sek", "pay_per_token", "0", 1_000_000, COST);
        var run = close();
        assertEquals(0, count(sek));
        given().header("Authorization", operator()).when().get("/v1/billing-runs/{id}", run.id())
                .then().statusCode(200).body("status", equalTo("completed_with_failures"))
                .body("failures[0].orgId", equalTo(sek))
                .body("failures[0].lastError", containsString("exchange_rate_missing: no USD to SEK exchange rate"));
        // the operator records Friday's rate; the retry after the backoff invoices the period once
        put("USD", "SEK", "2026-02-27", "{\"rate\":\"10.5\",\"source\":\"Riksbank\"}").statusCode(200)
                .body("rate", equalTo("10.5")).body("source", equalTo("Riksbank"));
        breakers.resetAll();
        clock.advance(Duration.ofMinutes(2));
        assertEquals(1, worker.drive(run.id(), Integer.MAX_VALUE));
        String amount = new BigDecimal(COST).multiply(new BigDecimal("1.20")).multiply(new BigDecimal("10.5"))
                .setScale(2, RoundingMode.HALF_UP).toPlainString();
        given().header("Authorization", TestTokens.bearer(sek, Roles.OWNER))
                .when().get("/v1/orgs/{org}/invoices/{id}", sek, only(sek).id).then().statusCode(200)
                .body("lines[0].amount", equalTo(amount)).body("lines[0].fx.source", equalTo("Riksbank"));
        assertEquals(1, count(sek));
    }

    private io.restassured.response.ValidatableResponse put(String base, String quote, String date, String body) {
        return given().header("Authorization", operator()).contentType(ContentType.JSON).body(body)
                .when().put("/v1/exchange-rates/{b}/{q}/{d}", base, quote, date).then();
    }

    private io.accrue.invoice.run.RunViews.RunView close() {
        // a run is unique per as-of: an instant no other test class uses
        var run = runs.start(Instant.parse("2026-03-07T00:00:00Z").plusSeconds(AS_OF.incrementAndGet()), "test");
        worker.drive(run.id(), Integer.MAX_VALUE);
        return run;
    }

    /** An account in {@code currency} on a plan priced in it, February 2026 ended, usage with cost in USD. */
    private String account(String currency, String plan, String model, String base, long tokens, String costUsd) {
        String org = currency.toLowerCase() + "-" + UUID.randomUUID().toString().substring(0, 8);
        List<String> all = new java.util.ArrayList<>(ORGS);
        all.add(org);
        ORGS.add(org);
        Neighbours.accounts(all);
        n().stubFor(get(urlPathEqualTo("/v1/plans/" + plan + "/versions/1")).willReturn(okJson("""
                {"slug":"%s","version":1,"billingModel":"%s","interval":"month",
                 "basePrice":{"amount":"%s","currency":"%s"},"allowances":{"llm_tokens":1000000},
                 "overage":[{"meter":"llm_tokens","packageSize":1000,"tiers":[{"upTo":null,"unitAmount":"0.003"}]}]}"""
                .formatted(plan, model, base, currency))));
        n().stubFor(get(urlPathEqualTo("/v1/accounts/" + org)).willReturn(okJson("""
                {"orgId":"%s","name":"Fx","currency":"%s","timeZone":"UTC","planSlug":"%s","stripeCustomerId":null,
                 "meteredEnabled":false,"createdAt":"2025-12-01T00:00:00Z"}""".formatted(org, currency, plan))));
        n().stubFor(get(urlPathEqualTo("/v1/accounts/" + org + "/subscription")).willReturn(
                okJson("""
                        {"status":"active","currentPeriodStart":"2026-02-01T00:00:00Z","currentPeriodEnd":"2026-03-01T00:00:00Z",
                         "cancelAtPeriodEnd":false,"currency":"%s","plan":{"slug":"%s","version":1,"interval":"month",
                         "billingModel":"%s"}}"""
                        .formatted(currency, plan, model))));
        n().stubFor(get(urlPathEqualTo("/v1/accounts/" + org + "/subscription/events")).willReturn(okJson("""
                {"items":[{"id":"ev-1","type":"subscription_created","effectiveAt":"2025-12-01T00:00:00Z",
                 "planSlug":"%s","planVersion":1,"toStatus":"active"}],"hasMore":false}""".formatted(plan))));
        n().stubFor(get(urlPathEqualTo("/v1/orgs/" + org + "/usage/summary")).willReturn(okJson("""
                {"orgId":"%s","environment":"live","currency":"USD","totals":{"totalTokens":%d,"requests":3,
                 "agentSessions":0,"toolCalls":0,"cost":"%s","revenue":"0","unpricedEvents":0},
                 "byModel":[{"model":"gpt-4o","provider":"openai","totalTokens":%d,"cost":"%s"}]}"""
                .formatted(org, tokens, costUsd, tokens, costUsd))));
        return org;
    }

    private final List<String> ORGS = new java.util.ArrayList<>();

    private Invoice only(String org) {
        return QuarkusTransaction.requiringNew().call(() -> em.createQuery(
                "select i from Invoice i where i.orgId = :o", Invoice.class).setParameter("o", org).getSingleResult());
    }

    private long count(String org) {
        return QuarkusTransaction.requiringNew().call(() -> em.createQuery(
                "select count(i) from Invoice i where i.orgId = :o", Long.class).setParameter("o", org)
                .getSingleResult());
    }

    private static String operator() {
        return TestTokens.as(Roles.PLATFORM_OPERATOR).bearer();
    }

    private static WireMockServer n() {
        return StandInsResource.neighbours();
    }
}
