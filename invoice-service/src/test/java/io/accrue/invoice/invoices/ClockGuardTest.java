package io.accrue.invoice.invoices;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Duration;
import java.time.Instant;
import java.util.UUID;

import jakarta.inject.Inject;

import org.junit.jupiter.api.Test;

import io.accrue.common.security.Roles;
import io.accrue.common.time.AdjustableClock;
import io.accrue.testing.TestTokens;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;

/** The test clock goes back as far as the latest invoice issued or run started, never before it (unless forced). */
@QuarkusTest
class ClockGuardTest {

    @Inject
    AdjustableClock clock;
    @Inject
    RecordedInvoices recorded;
    @Inject
    InvoiceFixtures fixtures;

    @Test
    void theClockGoesBackToTheLatestInvoiceButNotBeforeIt() {
        Instant start = clock.instant();
        fixtures.insert("guard-" + UUID.randomUUID(), "open", Instant.parse("2026-01-01T00:00:00Z"),
                Instant.parse("2026-02-01T00:00:00Z"), "USD", "1.00");
        var latest = recorded.latest().orElseThrow();
        String operator = TestTokens.as(Roles.PLATFORM_OPERATOR).bearer();
        try {
            clock.set(latest.at().plus(Duration.ofDays(3)));
            given().header("Authorization", operator).contentType(ContentType.JSON)
                    .body("{\"advanceBy\":\"-P3DT1S\"}").when().post("/v1/operator/clock")
                    .then().statusCode(409).contentType("application/problem+json")
                    .body("code", equalTo("clock_backwards"))
                    .body("detail", containsString(latest.what() + " at " + latest.at()));
            assertEquals(latest.at().plus(Duration.ofDays(3)), clock.instant(), "a refused move leaves the clock");
            given().header("Authorization", operator).contentType(ContentType.JSON)
                    .body("{\"advanceBy\":\"-P3D\"}").when().post("/v1/operator/clock")
                    .then().statusCode(200).body("now", equalTo(latest.at().toString()));
            given().header("Authorization", operator).contentType(ContentType.JSON).queryParam("force", true)
                    .body("{\"setTo\":\"2026-01-15T00:00:00Z\"}").when().post("/v1/operator/clock")
                    .then().statusCode(200).body("now", equalTo("2026-01-15T00:00:00Z"));
        } finally {
            clock.set(start);
        }
    }
}
