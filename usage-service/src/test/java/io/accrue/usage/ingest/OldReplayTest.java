package io.accrue.usage.ingest;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;

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

/**
 * Found by the model check (issue 14, {@code old-replay-duplicate}): design.md invariant 1, a replay answers
 * {@code duplicate}, also once the event's {@code occurredAt} has left the late-event window (a gateway retrying
 * after an outage longer than 3 days); an event never recorded that old is still refused {@code event_too_old}.
 */
@QuarkusTest
class OldReplayTest {

    @Inject
    AdjustableClock clock;

    @Test
    void aReplayOlderThanTheLateWindowIsADuplicateAndChangesNoTotal() {
        String org = "org-" + UUID.randomUUID();
        Instant start = clock.instant();
        String occurred = start.minus(Duration.ofHours(1)).toString();
        String accepted = event("old-1", occurred);
        post(org, "{\"events\":[" + accepted + "]}").body("accepted", equalTo(1));
        try {
            clock.advance(Duration.ofDays(4));
            post(org, "{\"events\":[" + accepted + "," + event("old-2", occurred) + "," + accepted + "]}")
                    .body("accepted", equalTo(0)).body("duplicates", equalTo(2)).body("rejected", equalTo(1))
                    .body("results[0].status", equalTo("duplicate"))
                    .body("results[0].eventId", equalTo("old-1"))
                    .body("results[1].code", equalTo("event_too_old"))
                    .body("results[2].status", equalTo("duplicate"));
        } finally {
            clock.set(start);
        }
        given().header("Authorization", TestTokens.bearer(org, Roles.MEMBER))
                .queryParam("environment", "live").queryParam("from", start.minus(Duration.ofDays(1)).toString())
                .queryParam("to", start.plus(Duration.ofDays(1)).toString())
                .when().get("/v1/orgs/{org}/usage/summary", org)
                .then().statusCode(200).body("totals.requests", equalTo(1)).body("totals.inputTokens", equalTo(1000));
    }

    private static io.restassured.response.ValidatableResponse post(String org, String body) {
        return given()
                .header("Authorization", TestTokens.as(Roles.USAGE_REPORTER).org(org).environment("live").bearer())
                .contentType(ContentType.JSON).body(body).when().post("/v1/usage-events").then().statusCode(200);
    }

    private static String event(String id, String occurredAt) {
        return """
                {"eventId":"%s","endUserId":"u-1","model":"gpt-4o","inputTokens":1000,"outputTokens":500,
                 "occurredAt":"%s"}""".formatted(id, occurredAt);
    }
}
