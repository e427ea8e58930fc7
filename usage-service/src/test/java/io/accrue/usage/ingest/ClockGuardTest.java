package io.accrue.usage.ingest;

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

/** The test clock goes back as far as the latest usage recorded, never before it (unless forced). */
@QuarkusTest
class ClockGuardTest {

    @Inject
    AdjustableClock clock;
    @Inject
    RecordedUsage recorded;

    @Test
    void theClockGoesBackToTheLatestUsageButNotBeforeIt() {
        Instant start = clock.instant();
        String org = "org-" + UUID.randomUUID();
        given().header("Authorization", TestTokens.as(Roles.USAGE_REPORTER).org(org).environment("live").bearer())
                .contentType(ContentType.JSON).body("""
                        {"eventId":"guard-1","endUserId":"u-1","model":"gpt-4o","inputTokens":10,"outputTokens":5,
                         "occurredAt":"%s"}""".formatted(start.minusSeconds(60)))
                .when().post("/v1/usage-events").then().statusCode(201);
        Instant latest = recorded.latest().orElseThrow().at();
        String operator = TestTokens.as(Roles.PLATFORM_OPERATOR).bearer();
        try {
            clock.set(latest.plus(Duration.ofDays(3)));
            given().header("Authorization", operator).contentType(ContentType.JSON)
                    .body("{\"setTo\":\"" + latest.minusSeconds(1) + "\"}").when().post("/v1/operator/clock")
                    .then().statusCode(409).contentType("application/problem+json")
                    .body("code", equalTo("clock_backwards"))
                    .body("detail", containsString("the latest usage event"))
                    .body("detail", containsString(latest.toString()));
            assertEquals(latest.plus(Duration.ofDays(3)), clock.instant(), "a refused move leaves the clock");
            given().header("Authorization", operator).contentType(ContentType.JSON)
                    .body("{\"setTo\":\"" + latest + "\"}").when().post("/v1/operator/clock")
                    .then().statusCode(200).body("now", equalTo(latest.toString()));
        } finally {
            clock.set(start);
        }
    }
}
