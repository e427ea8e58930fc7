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

    private String org;

    @BeforeEach
    void usage() {
        breakers.resetAll();
        org = "eu-" + UUID.randomUUID().toString().substring(0, 8);
        StandInsResource.neighbours().stubFor(get(urlPathEqualTo("/v1/orgs/" + org + "/usage/summary"))
                .willReturn(
                        okJson("""
                                {"orgId":"%s","environment":"live","currency":"EUR",
                                 "totals":{"totalTokens":600,"requests":6,"cost":"3","revenue":"4.5","unpricedEvents":0},
                                 "byModel":[],
                                 "byEndUser":[{"endUserId":"u-1","totalTokens":100,"requests":1,"cost":"1","revenue":"1.234999999999"},
                                              {"endUserId":"u-2","totalTokens":500,"requests":5,"cost":"2","revenue":"3.265000000001"},
                                              {"endUserId":"u-free","totalTokens":0,"requests":0,"cost":"0","revenue":"0"}]}"""
                                .formatted(org))));
    }

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
}
