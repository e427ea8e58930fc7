package io.accrue.usage.summary;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.UUID;

import org.junit.jupiter.api.Test;

import io.accrue.common.security.Roles;
import io.accrue.testing.TestTokens;
import io.accrue.usage.UsageFixtures;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;

/**
 * invoice-service reads a period's usage once per plan segment (billing-rules "Invoices" rule 3): arbitrary,
 * unaligned, half-open windows that partition the period must count every event exactly once.
 */
@QuarkusTest
class SegmentWindowSummaryTest {

    private final String org = "seg-" + UUID.randomUUID();

    @Test
    void adjacentUnalignedWindowsPartitionTheUsageExactly() {
        String[] at = {"2026-03-15T08:00:00Z", "2026-03-15T09:17:00Z", "2026-03-15T09:17:00.001Z",
                "2026-03-15T09:59:59.999Z"};
        for (int i = 0; i < at.length; i++) {
            given().header("Authorization", TestTokens.as(Roles.USAGE_REPORTER).org(org).environment("live").bearer())
                    .contentType(ContentType.JSON)
                    .body(UsageFixtures.event("s-" + i, "u-1", "gpt-4o", 1000L * (i + 1), 0, at[i]))
                    .when().post("/v1/usage-events").then().statusCode(201);
        }
        // an upgrade at 09:17:00: the event at that instant belongs to the new plan's window, never to both
        assertEquals(1000, tokens("2026-03-01T00:00:00Z", "2026-03-15T09:17:00Z"));
        assertEquals(2000 + 3000 + 4000, tokens("2026-03-15T09:17:00Z", "2026-04-01T00:00:00Z"));
        assertEquals(10_000, tokens("2026-03-01T00:00:00Z", "2026-04-01T00:00:00Z"));
        // a window holding no event of the organisation is empty, and says so in the default currency
        given().header("Authorization", TestTokens.bearer(org, Roles.BILLING_SERVICE)).queryParam("environment", "live")
                .queryParam("from", "2026-03-01T00:00:00Z").queryParam("to", "2026-03-15T07:00:00Z")
                .queryParam("recordedBefore", "2026-03-15T10:00:01Z")
                .when().get("/v1/orgs/{org}/usage/summary", org)
                .then().statusCode(200).body("totals.requests", equalTo(0)).body("currency", equalTo("USD"));
    }

    private long tokens(String from, String to) {
        return given().header("Authorization", TestTokens.bearer(org, Roles.BILLING_SERVICE))
                .queryParam("environment", "live").queryParam("from", from).queryParam("to", to)
                .queryParam("recordedBefore", "2026-03-15T10:00:01Z")
                .when().get("/v1/orgs/{org}/usage/summary", org).then().statusCode(200)
                .extract().<Number>path("totals.totalTokens").longValue();
    }
}
