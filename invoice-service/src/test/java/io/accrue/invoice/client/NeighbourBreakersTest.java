package io.accrue.invoice.client;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.getRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathMatching;
import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.time.Instant;
import java.util.Map;
import java.util.UUID;

import jakarta.inject.Inject;

import org.eclipse.microprofile.faulttolerance.exceptions.CircuitBreakerOpenException;
import org.eclipse.microprofile.faulttolerance.exceptions.TimeoutException;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import com.github.tomakehurst.wiremock.WireMockServer;

import io.accrue.common.security.Roles;
import io.accrue.invoice.StandInsResource;
import io.accrue.testing.TestTokens;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.smallrye.faulttolerance.api.CircuitBreakerMaintenance;
import io.smallrye.faulttolerance.api.CircuitBreakerState;

/**
 * One circuit breaker per neighbour: a 4xx is an answer (not retried, not counted), 5xx and timeouts are failures
 * (retried and counted), an open breaker fails every method of that neighbour fast and no other neighbour, and the
 * API answers it with the documented {@code neighbour_unavailable}. The profile sets small thresholds and short
 * timeouts through the same configuration keys production uses, so it also proves those keys are read.
 */
@QuarkusTest
@TestProfile(NeighbourBreakersTest.SmallBreakers.class)
class NeighbourBreakersTest {

    public static class SmallBreakers implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of(
                    "io.accrue.invoice.client.SubscriptionClient/guarded/CircuitBreaker/requestVolumeThreshold", "4",
                    "io.accrue.invoice.client.SubscriptionClient/guarded/CircuitBreaker/failureRatio", "1.0",
                    "io.accrue.invoice.client.SubscriptionClient/guarded/CircuitBreaker/delay", "60000",
                    "io.accrue.invoice.client.UsageClient/guarded/Timeout/value", "300",
                    "io.accrue.invoice.client.UsageClient/guarded/Retry/maxRetries", "0",
                    "io.accrue.invoice.client.UsageClient/guarded/CircuitBreaker/requestVolumeThreshold", "2",
                    "io.accrue.invoice.client.UsageClient/guarded/CircuitBreaker/failureRatio", "1.0",
                    "io.accrue.invoice.client.UsageClient/guarded/CircuitBreaker/delay", "60000");
        }
    }

    @Inject
    SubscriptionClient subscriptions;
    @Inject
    UsageClient usage;
    @Inject
    ContractClient contracts;
    @Inject
    CircuitBreakerMaintenance breakers;

    private String org;

    @BeforeEach
    void closedBreakers() {
        breakers.resetAll();
        n().resetAll();
        // the first call of a fresh application builds the REST clients: warm them (a 404, not counted) first
        assertThrows(RuntimeException.class, () -> subscriptions.account("warm-" + UUID.randomUUID()));
        assertThrows(RuntimeException.class, () -> usage.usage("warm-" + UUID.randomUUID(), Instant.EPOCH,
                Instant.EPOCH.plusSeconds(60), null));
        breakers.resetAll();
        n().resetRequests();
        org = "cb-" + UUID.randomUUID().toString().substring(0, 8);
    }

    @Test
    void aRejectionIsNeitherRetriedNorCounted() {
        n().stubFor(get(urlPathEqualTo("/v1/accounts/" + org)).willReturn(aResponse().withStatus(422)
                .withHeader("Content-Type", "application/problem+json").withBody("{\"code\":\"bad_org\"}")));
        for (int i = 0; i < 10; i++) {
            NeighbourRejected r = assertThrows(NeighbourRejected.class, () -> subscriptions.account(org));
            assertEquals(422, r.status());
            assertEquals("bad_org", r.code());
        }
        n().verify(10, getRequestedFor(urlPathEqualTo("/v1/accounts/" + org))); // one request per call: no retry
        assertEquals(CircuitBreakerState.CLOSED, breakers.currentState(SubscriptionClient.NAME));
    }

    @Test
    void serverErrorsAreRetriedAndOpenTheNeighboursOneBreaker() {
        n().stubFor(get(urlPathMatching("/v1/accounts/" + org + "(/.*)?")).willReturn(aResponse().withStatus(503)));
        // three attempts (two retries), each counted
        assertThrows(NeighbourUnavailable.class, () -> subscriptions.account(org));
        n().verify(3, getRequestedFor(urlPathEqualTo("/v1/accounts/" + org)));
        // the fourth failure fills the window: open
        assertThrows(RuntimeException.class, () -> subscriptions.subscription(org));
        assertEquals(CircuitBreakerState.OPEN, breakers.currentState(SubscriptionClient.NAME));
        int asked = n().getAllServeEvents().size();
        // every method of the neighbour shares it and fails fast, without a request
        assertThrows(CircuitBreakerOpenException.class, () -> subscriptions.events(org, Instant.EPOCH, Instant.now()));
        assertThrows(CircuitBreakerOpenException.class, () -> subscriptions.account(org));
        assertEquals(asked, n().getAllServeEvents().size());
        // the other neighbours have their own breakers
        assertEquals(CircuitBreakerState.CLOSED, breakers.currentState(UsageClient.NAME));
        assertEquals(CircuitBreakerState.CLOSED, breakers.currentState(ContractClient.NAME));
    }

    @Test
    void timeoutsAreCountedAsFailures() {
        n().stubFor(get(urlPathEqualTo("/v1/orgs/" + org + "/usage/summary"))
                .willReturn(okJson("{}").withFixedDelay(2_000)));
        Instant from = Instant.parse("2026-02-01T00:00:00Z");
        Instant to = Instant.parse("2026-03-01T00:00:00Z");
        assertThrows(TimeoutException.class, () -> usage.usage(org, from, to, null));
        assertThrows(TimeoutException.class, () -> usage.usage(org, from, to, null));
        assertEquals(CircuitBreakerState.OPEN, breakers.currentState(UsageClient.NAME));
        assertThrows(CircuitBreakerOpenException.class, () -> usage.usage(org, from, to, null));
    }

    @Test
    void anOpenBreakerAnswersNeighbourUnavailable() {
        n().stubFor(get(urlPathMatching("/v1/accounts/" + org + "(/.*)?")).willReturn(aResponse().withStatus(500)));
        assertThrows(NeighbourUnavailable.class, () -> subscriptions.account(org));
        assertThrows(RuntimeException.class, () -> subscriptions.account(org));
        assertEquals(CircuitBreakerState.OPEN, breakers.currentState(SubscriptionClient.NAME));
        given().header("Authorization", TestTokens.bearer(org, Roles.OWNER))
                .when().get("/v1/orgs/{org}/billing-export", org)
                .then().statusCode(502).contentType("application/problem+json")
                .body("code", equalTo("neighbour_unavailable"));
    }

    private static WireMockServer n() {
        return StandInsResource.neighbours();
    }
}
