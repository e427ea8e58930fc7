package io.accrue.usage.ingest;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;

import java.time.Instant;
import java.util.UUID;

import jakarta.inject.Inject;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import io.accrue.common.security.Roles;
import io.accrue.common.time.AdjustableClock;
import io.accrue.testing.TestTokens;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;

/** An agent session counts once per session id and UTC month, whatever days, end users and models it spans. */
@QuarkusTest
class AgentSessionsTest {

    @Inject
    AdjustableClock clock;
    private String org;

    @BeforeEach
    void freshOrganisation() {
        org = "org-" + UUID.randomUUID();
    }

    @Test
    void aSessionAcrossMidnightModelsAndEndUsersCountsOnce() {
        post("e-1", "u-1", "gpt-4o", "s-1", "2026-03-14T23:50:00Z");
        post("e-2", "u-1", "gpt-4o-mini", "s-1", "2026-03-15T00:10:00Z");
        post("e-3", "u-2", "gpt-4o", "s-1", "2026-03-15T09:00:00Z");
        post("e-4", "u-2", "gpt-4o", "s-2", "2026-03-15T09:10:00Z");
        // From the rollups (day-aligned window) and from the events (any other window): the same count.
        summary("2026-03-01T00:00:00Z", "2026-04-01T00:00:00Z").body("totals.agentSessions", equalTo(2))
                .body("totals.requests", equalTo(4));
        summary("2026-03-14T12:00:00Z", "2026-03-15T12:00:00Z").body("totals.agentSessions", equalTo(2));
        // Counted where it started: the first event's day, end user and model.
        summary("2026-03-15T00:00:00Z", "2026-03-16T00:00:00Z").body("totals.agentSessions", equalTo(1));
        summary("2026-03-14T00:00:00Z", "2026-03-15T00:00:00Z").body("totals.agentSessions", equalTo(1))
                .body("byModel.find { it.model == 'gpt-4o' }.agentSessions", equalTo(1))
                .body("byEndUser.find { it.endUserId == 'u-1' }.agentSessions", equalTo(1));
    }

    @Test
    void aSessionCountsAgainInTheNextMonth() {
        Instant start = clock.instant();
        try {
            clock.set(Instant.parse("2026-04-01T00:30:00Z"));
            post("m-1", "u-1", "gpt-4o", "s-long", "2026-03-31T23:50:00Z");
            post("m-2", "u-1", "gpt-4o", "s-long", "2026-04-01T00:10:00Z");
            post("m-3", "u-1", "gpt-4o", "s-long", "2026-04-01T00:20:00Z");
        } finally {
            clock.set(start);
        }
        summary("2026-03-01T00:00:00Z", "2026-04-01T00:00:00Z").body("totals.agentSessions", equalTo(1));
        summary("2026-04-01T00:00:00Z", "2026-05-01T00:00:00Z").body("totals.agentSessions", equalTo(1));
        summary("2026-03-31T12:00:00Z", "2026-04-01T12:00:00Z").body("totals.agentSessions", equalTo(2));
    }

    private void post(String id, String user, String model, String session, String at) {
        given().header("Authorization", TestTokens.as(Roles.USAGE_REPORTER).org(org).environment("live").bearer())
                .contentType(ContentType.JSON)
                .body("""
                        {"eventId":"%s","endUserId":"%s","model":"%s","inputTokens":100,"outputTokens":10,
                         "agentSessionId":"%s","occurredAt":"%s"}""".formatted(id, user, model, session, at))
                .when().post("/v1/usage-events").then().statusCode(201);
    }

    private io.restassured.response.ValidatableResponse summary(String from, String to) {
        return given().header("Authorization", TestTokens.bearer(org, Roles.MEMBER))
                .queryParam("environment", "live").queryParam("from", from).queryParam("to", to)
                .when().get("/v1/orgs/{org}/usage/summary", org).then().statusCode(200);
    }
}
