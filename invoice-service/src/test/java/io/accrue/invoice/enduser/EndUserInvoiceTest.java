package io.accrue.invoice.enduser;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.contains;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasSize;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.UUID;

import jakarta.inject.Inject;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import io.accrue.common.security.Roles;
import io.accrue.invoice.StandInsResource;
import io.accrue.testing.TestTokens;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.smallrye.faulttolerance.api.CircuitBreakerMaintenance;

@QuarkusTest
class EndUserInvoiceTest {

    static final String PERIOD = "\"periodStart\":\"2026-02-01T00:00:00Z\",\"periodEnd\":\"2026-03-01T00:00:00Z\"";

    @Inject
    CircuitBreakerMaintenance breakers;
    @Inject
    io.accrue.common.time.AdjustableClock clock;

    private String org;

    @BeforeEach
    void usage() {
        breakers.resetAll();
        org = "eu-" + UUID.randomUUID().toString().substring(0, 8);
        EndUserNeighbours.billingAccount(org, "UTC", "month");
        StandInsResource.neighbours().stubFor(get(urlPathEqualTo("/v1/orgs/" + org + "/usage/summary"))
                .willReturn(okJson(USAGE.formatted(org))));
    }

    static final String USAGE = """
            {"orgId":"%s","environment":"live","currency":"EUR",
             "totals":{"totalTokens":600,"requests":6,"cost":"3","revenue":"4.5","unpricedEvents":0},
             "byModel":[],
             "byEndUser":[{"endUserId":"u-1","totalTokens":100,"requests":1,"cost":"1","revenue":"1.234999999999"},
                          {"endUserId":"u-2","totalTokens":500,"requests":5,"cost":"2","revenue":"3.265000000001"},
                          {"endUserId":"u-free","totalTokens":0,"requests":0,"cost":"0","revenue":"0"}]}""";

    @Test
    void invoicesEachEndUserOnceWithTheApplicationFee() {
        given().header("Authorization", TestTokens.bearer(org, Roles.BILLING_ADMIN)).contentType(ContentType.JSON)
                .body("{" + PERIOD + ",\"delivery\":\"export\",\"applicationFeePercent\":\"2.5\"}")
                .when().post("/v1/orgs/{org}/end-user-invoices", org)
                .then().statusCode(200)
                .body("created", equalTo(2)).body("alreadyInvoiced", equalTo(0))
                .body("invoices.endUserId", contains("u-1", "u-2"))
                .body("invoices.amount", contains("1.23", "3.27"))
                .body("invoices.applicationFee", contains("0.03", "0.08"))
                .body("invoices.currency", contains("EUR", "EUR"));
        // a rerun of the period invoices nobody twice
        given().header("Authorization", TestTokens.bearer(org, Roles.BILLING_ADMIN)).contentType(ContentType.JSON)
                .body("{" + PERIOD + ",\"delivery\":\"export\"}")
                .when().post("/v1/orgs/{org}/end-user-invoices", org)
                .then().statusCode(200).body("created", equalTo(0)).body("alreadyInvoiced", equalTo(2))
                .body("invoices", hasSize(2));
        String csv = given().header("Authorization", TestTokens.bearer(org, Roles.OWNER))
                .queryParam("periodStart", "2026-02-01T00:00:00Z").queryParam("periodEnd", "2026-03-01T00:00:00Z")
                .when().get("/v1/orgs/{org}/end-user-invoices/export.csv", org)
                .then().statusCode(200).extract().asString();
        String[] rows = csv.split("\r\n");
        assertEquals(3, rows.length, csv);
        assertEquals("u-2,2026-02-01T00:00:00Z,2026-03-01T00:00:00Z,EUR,500,5,3.27,0.08", rows[2]);
    }

    @Test
    void rejectionsInvoiceNobody() {
        var admin = TestTokens.bearer(org, Roles.BILLING_ADMIN);
        given().header("Authorization", admin).contentType(ContentType.JSON)
                .body("{" + PERIOD + ",\"delivery\":\"fax\",\"applicationFeePercent\":\"101\"}")
                .when().post("/v1/orgs/{org}/end-user-invoices", org)
                .then().statusCode(422).body("code", equalTo("validation_failed"));
        given().header("Authorization", admin).contentType(ContentType.JSON)
                .body("{\"periodStart\":\"2026-03-01T00:00:00Z\",\"periodEnd\":\"2026-04-01T00:00:00Z\",\"delivery\":\"export\"}")
                .when().post("/v1/orgs/{org}/end-user-invoices", org)
                .then().statusCode(422).body("code", equalTo("period_invalid"));
        // Connect delivery needs the organisation's connected account (its own tests: StripeConnectDeliveryTest)
        given().header("Authorization", admin).contentType(ContentType.JSON)
                .body("{" + PERIOD + ",\"delivery\":\"stripe_connect\"}")
                .when().post("/v1/orgs/{org}/end-user-invoices", org)
                .then().statusCode(422).body("code", equalTo("connected_account_required"));
        StandInsResource.neighbours().stubFor(get(urlPathEqualTo("/v1/orgs/" + org + "/usage/summary"))
                .willReturn(aResponse().withStatus(503)));
        given().header("Authorization", admin).contentType(ContentType.JSON)
                .body("{" + PERIOD + ",\"delivery\":\"export\"}")
                .when().post("/v1/orgs/{org}/end-user-invoices", org)
                .then().statusCode(502).body("code", equalTo("neighbour_unavailable"));
        given().header("Authorization", TestTokens.bearer(org, Roles.MEMBER)).contentType(ContentType.JSON)
                .body("{" + PERIOD + ",\"delivery\":\"export\"}")
                .when().post("/v1/orgs/{org}/end-user-invoices", org)
                .then().statusCode(403);
        given().header("Authorization", admin)
                .queryParam("periodStart", "2026-02-01T00:00:00Z").queryParam("periodEnd", "2026-03-01T00:00:00Z")
                .when().get("/v1/orgs/{org}/end-user-invoices", org)
                .then().statusCode(200).body("$", hasSize(0));
    }

    /** Only the organisation's own ended billing periods, never overlapping: an end user's usage is billed once. */
    @Test
    void onlyEndedNonOverlappingBillingPeriodsOfTheOrganisation() {
        String admin = TestTokens.bearer(org, Roles.BILLING_ADMIN);
        refused(admin, "1969-12-01T00:00:00Z", "1970-01-01T00:00:00Z", "period_before_account");
        refused(admin, "1969-12-31T23:59:59Z", "2026-02-01T00:00:00Z", "period_before_account");
        refused(admin, "2025-11-01T00:00:00Z", "2025-12-01T00:00:00Z", "period_before_account");
        refused(admin, "2026-02-01T00:00:00Z", "2026-02-15T00:00:00Z", "period_not_billing_period");
        refused(admin, "2026-01-15T00:00:00Z", "2026-02-15T00:00:00Z", "period_not_billing_period");
        refused(admin, "2026-01-01T00:00:00Z", "2026-03-01T00:00:00Z", "period_not_billing_period");
        refused(admin, "2026-03-01T00:00:00Z", "2026-04-01T00:00:00Z", "period_invalid"); // not over yet
        refused(admin, "2026-03-01T00:00:00Z", "2026-03-01T00:00:00Z", "period_invalid");
        // the month the account was created in is its first billing period
        generate(admin, "2025-12-01T00:00:00Z", "2026-01-01T00:00:00Z").statusCode(200).body("created",
                equalTo(2));
        generate(admin, PERIOD_START, PERIOD_END).statusCode(200).body("created", equalTo(2));
        // a replay of the same period invoices nobody again
        generate(admin, PERIOD_START, PERIOD_END).statusCode(200).body("created", equalTo(0))
                .body("alreadyInvoiced", equalTo(2));
        // the plan moved to yearly billing: the year 2026 overlaps February, already invoiced
        EndUserNeighbours.billingAccount(org, "UTC", "year");
        StandInsResource.neighbours().stubFor(get(urlPathEqualTo("/v1/orgs/" + org + "/usage/summary"))
                .willReturn(okJson(USAGE.formatted(org))));
        clock.set(java.time.Instant.parse("2027-01-05T00:00:00Z"));
        try {
            refused(admin, "2026-01-01T00:00:00Z", "2027-01-01T00:00:00Z", "period_overlaps_invoiced");
        } finally {
            clock.set(java.time.Instant.parse("2026-03-15T10:00:00Z"));
        }
        // nothing of the refused requests was stored: each end user holds exactly the two invoices made above
        given().header("Authorization", admin).queryParam("periodStart", "2026-01-01T00:00:00Z")
                .queryParam("periodEnd", "2027-01-01T00:00:00Z")
                .when().get("/v1/orgs/{org}/end-user-invoices", org)
                .then().statusCode(200).body("$", hasSize(0));
    }

    /** Two identical requests at once: each end user is invoiced once between them. */
    @Test
    void concurrentRequestsForOnePeriodInvoiceEachEndUserOnce() throws Exception {
        String admin = TestTokens.bearer(org, Roles.BILLING_ADMIN);
        var pool = java.util.concurrent.Executors.newFixedThreadPool(2);
        try {
            java.util.concurrent.Callable<Integer> call = () -> generate(admin, PERIOD_START, PERIOD_END)
                    .statusCode(200).extract().path("created");
            var a = pool.submit(call);
            var b = pool.submit(call);
            assertEquals(2, a.get() + b.get());
        } finally {
            pool.shutdownNow();
        }
        given().header("Authorization", admin).queryParam("periodStart", PERIOD_START)
                .queryParam("periodEnd", PERIOD_END).when().get("/v1/orgs/{org}/end-user-invoices", org)
                .then().statusCode(200).body("endUserId", contains("u-1", "u-2"));
    }

    /** In the organisation's time zone: a Tokyo month starts at 15:00 UTC the day before. */
    @Test
    void billingPeriodsAreInTheAccountsTimeZone() {
        EndUserNeighbours.billingAccount(org, "Asia/Tokyo", "month");
        String admin = TestTokens.bearer(org, Roles.BILLING_ADMIN);
        refused(admin, PERIOD_START, PERIOD_END, "period_not_billing_period");
        generate(admin, "2026-01-31T15:00:00Z", "2026-02-28T15:00:00Z").statusCode(200).body("created", equalTo(2));
    }

    static final String PERIOD_START = "2026-02-01T00:00:00Z";
    static final String PERIOD_END = "2026-03-01T00:00:00Z";

    private void refused(String token, String start, String end, String code) {
        generate(token, start, end).statusCode(422).contentType("application/problem+json").body("code", equalTo(code));
    }

    private io.restassured.response.ValidatableResponse generate(String token, String start, String end) {
        return given().header("Authorization", token).contentType(ContentType.JSON)
                .body("{\"periodStart\":\"" + start + "\",\"periodEnd\":\"" + end + "\",\"delivery\":\"export\"}")
                .when().post("/v1/orgs/{org}/end-user-invoices", org).then();
    }
}
