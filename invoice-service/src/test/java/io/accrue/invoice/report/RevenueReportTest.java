package io.accrue.invoice.report;

import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.contains;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasSize;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.math.BigDecimal;
import java.util.List;
import java.util.UUID;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import io.accrue.common.security.Roles;
import io.accrue.invoice.StandInsResource;
import io.accrue.invoice.report.RevenueReport.EndUserInput;
import io.accrue.testing.TestTokens;
import io.quarkus.test.junit.QuarkusTest;

@QuarkusTest
class RevenueReportTest {

    @ParameterizedTest(name = "revenue {0}, cost {1} {2} → {3} / {4} / {5} / {6}%")
    @CsvSource({
            "12.345678901234, 10.000000000000, USD, 12.35, 10.00, 2.35, 19.00",
            "0.004, 0.001, USD, 0.00, 0.00, 0.00, 75.00",
            "100, 120, USD, 100.00, 120.00, -20.00, -20.00",
            "1500.5, 1000, JPY, 1501, 1000, 501, 33.36",
            "0, 5, USD, 0.00, 5.00, -5.00, ",
    })
    void figuresRoundOnceFromUnroundedInputs(String revenue, String cost, String currency, String r, String c,
            String m, String pct) {
        var f = RevenueReport.figures(new BigDecimal(revenue), new BigDecimal(cost), currency);
        assertEquals(new BigDecimal(r), f.revenue());
        assertEquals(new BigDecimal(c), f.cost());
        assertEquals(new BigDecimal(m), f.margin());
        assertEquals(pct == null ? null : new BigDecimal(pct), f.marginPercent());
    }

    @Test
    void topEndUsersByRevenueWithStableTies() {
        var top = RevenueReport.top(List.of(
                new EndUserInput("b", 1, 1, new BigDecimal("5"), BigDecimal.ONE),
                new EndUserInput("a", 1, 1, new BigDecimal("5"), BigDecimal.ONE),
                new EndUserInput("c", 1, 1, new BigDecimal("9"), BigDecimal.ONE),
                new EndUserInput("d", 1, 1, new BigDecimal("1"), BigDecimal.ONE)), 3, "USD");
        assertEquals(List.of("c", "a", "b"), top.stream().map(RevenueReport.EndUser::endUserId).toList());
    }

    @Test
    void reportOverHttpWithDailyTrendAndTopUsers() {
        String org = "rev-" + UUID.randomUUID().toString().substring(0, 8);
        StandInsResource.neighbours().stubFor(get(urlPathEqualTo("/v1/orgs/" + org + "/usage/summary"))
                .willReturn(okJson("""
                        {"orgId":"%s","environment":"live","currency":"USD",
                         "totals":{"totalTokens":300,"requests":3,"agentSessions":0,"toolCalls":0,
                                   "cost":"3.000000000000","revenue":"4.500000000000","unpricedEvents":0},
                         "byModel":[],
                         "byEndUser":[{"endUserId":"u-1","totalTokens":100,"requests":1,"cost":"1","revenue":"1.5"},
                                      {"endUserId":"u-2","totalTokens":200,"requests":2,"cost":"2","revenue":"3"}]}"""
                        .formatted(org))));
        given().header("Authorization", TestTokens.bearer(org, Roles.BILLING_ADMIN))
                .queryParam("from", "2026-03-01T00:00:00Z").queryParam("to", "2026-03-04T00:00:00Z")
                .when().get("/v1/orgs/{org}/revenue-report", org)
                .then().statusCode(200)
                .body("total.revenue", equalTo("4.50"))
                .body("total.cost", equalTo("3.00"))
                .body("total.margin", equalTo("1.50"))
                .body("total.marginPercent", equalTo("33.33"))
                .body("daily", hasSize(3))
                .body("daily[2].from", equalTo("2026-03-03T00:00:00Z"))
                .body("topEndUsers.endUserId", contains("u-2", "u-1"));
        given().header("Authorization", TestTokens.bearer(org, Roles.BILLING_ADMIN))
                .queryParam("from", "2026-01-01T00:00:00Z").queryParam("to", "2026-06-01T00:00:00Z")
                .when().get("/v1/orgs/{org}/revenue-report", org)
                .then().statusCode(422).body("code", equalTo("report_range_invalid"));
        given().header("Authorization", TestTokens.bearer(org, Roles.MEMBER))
                .queryParam("from", "2026-03-01T00:00:00Z").queryParam("to", "2026-03-02T00:00:00Z")
                .when().get("/v1/orgs/{org}/revenue-report", org)
                .then().statusCode(403);
    }
}
