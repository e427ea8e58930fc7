package io.accrue.contract.drawdown;

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
import io.accrue.contract.ContractFixtures;
import io.accrue.testing.TestTokens;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;

/** The test clock goes back as far as the latest contract transition or drawdown, never before it (unless forced). */
@QuarkusTest
class ClockGuardTest {

    @Inject
    AdjustableClock clock;
    @Inject
    RecordedDrawdowns recorded;

    @Test
    void theClockGoesBackToTheLatestContractChangeButNotBeforeIt() {
        Instant start = clock.instant();
        ContractFixtures.createDraft("org-" + UUID.randomUUID(), ContractFixtures.yearDraft());
        var latest = recorded.latest().orElseThrow();
        String operator = TestTokens.as(Roles.PLATFORM_OPERATOR).bearer();
        try {
            clock.set(latest.at().plus(Duration.ofDays(2)));
            given().header("Authorization", operator).contentType(ContentType.JSON)
                    .body("{\"setTo\":\"" + latest.at().minusMillis(1) + "\"}").when().post("/v1/operator/clock")
                    .then().statusCode(409).contentType("application/problem+json")
                    .body("code", equalTo("clock_backwards"))
                    .body("detail", containsString(latest.what() + " at " + latest.at()));
            assertEquals(latest.at().plus(Duration.ofDays(2)), clock.instant(), "a refused move leaves the clock");
            given().header("Authorization", operator).contentType(ContentType.JSON)
                    .body("{\"setTo\":\"" + latest.at() + "\"}").when().post("/v1/operator/clock")
                    .then().statusCode(200).body("now", equalTo(latest.at().toString()));
        } finally {
            clock.set(start);
        }
    }
}
