package io.accrue.subscription.client;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.getRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.time.Instant;
import java.util.Map;
import java.util.UUID;

import jakarta.inject.Inject;

import org.eclipse.microprofile.faulttolerance.exceptions.CircuitBreakerOpenException;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import com.github.tomakehurst.wiremock.WireMockServer;

import io.accrue.subscription.StandInsResource;
import io.accrue.subscription.lifecycle.InvoiceClient;
import io.accrue.subscription.status.UsageClient;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.smallrye.faulttolerance.api.CircuitBreakerMaintenance;
import io.smallrye.faulttolerance.api.CircuitBreakerState;

/**
 * One circuit breaker per neighbour: a 4xx is an answer (not retried, not counted), 5xx and timeouts are failures
 * (retried and counted), an open breaker fails fast. Small thresholds and a short timeout through the production
 * configuration keys, so the test also proves they are read.
 */
@QuarkusTest
@TestProfile(NeighbourBreakersTest.SmallBreakers.class)
class NeighbourBreakersTest {

    public static class SmallBreakers implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of(
                    "io.accrue.subscription.lifecycle.InvoiceClient/guarded/CircuitBreaker/requestVolumeThreshold", "4",
                    "io.accrue.subscription.lifecycle.InvoiceClient/guarded/CircuitBreaker/failureRatio", "1.0",
                    "io.accrue.subscription.lifecycle.InvoiceClient/guarded/CircuitBreaker/delay", "60000",
                    // a loaded machine must not turn a slow first answer into a timeout (an extra attempt) here
                    "io.accrue.subscription.lifecycle.InvoiceClient/guarded/Timeout/value", "10000",
                    "io.accrue.subscription.status.UsageClient/thisPeriod/Timeout/value", "300",
                    "io.accrue.subscription.status.UsageClient/thisPeriod/Retry/maxRetries", "0",
                    "io.accrue.subscription.status.UsageClient/thisPeriod/CircuitBreaker/requestVolumeThreshold", "2",
                    "io.accrue.subscription.status.UsageClient/thisPeriod/CircuitBreaker/failureRatio", "1.0",
                    "io.accrue.subscription.status.UsageClient/thisPeriod/CircuitBreaker/delay", "60000");
        }
    }

    @Inject
    InvoiceClient invoices;
    @Inject
    UsageClient usage;
    @Inject
    CircuitBreakerMaintenance breakers;

    private String org;

    @BeforeEach
    void closedBreakers() {
        breakers.resetAll();
        // the first call of a fresh application builds the REST clients: warm them before counting requests
        invoices.firstUnsettled("warm-" + UUID.randomUUID());
        breakers.resetAll();
        org = "cb-" + UUID.randomUUID().toString().substring(0, 8);
    }

    @Test
    void aRejectionIsNeitherRetriedNorCounted() {
        n().stubFor(get(urlPathEqualTo("/v1/orgs/" + org + "/invoices")).atPriority(1)
                .willReturn(aResponse().withStatus(403)));
        for (int i = 0; i < 6; i++) {
            InvoiceClient.Rejected r = assertThrows(InvoiceClient.Rejected.class, () -> invoices.firstUnsettled(org));
            assertEquals(403, r.status());
        }
        n().verify(6, getRequestedFor(urlPathEqualTo("/v1/orgs/" + org + "/invoices"))); // no retry
        assertEquals(CircuitBreakerState.CLOSED, breakers.currentState(InvoiceClient.NAME));
        // "no rate" (404) is an answer too
        n().stubFor(get(urlPathEqualTo("/v1/exchange-rates/USD/XTS/effective")).atPriority(1)
                .willReturn(aResponse().withStatus(404)));
        assertFalse(invoices.rateRecorded("USD", "XTS"));
        assertEquals(CircuitBreakerState.CLOSED, breakers.currentState(InvoiceClient.NAME));
    }

    @Test
    void serverErrorsAreRetriedAndOpenTheOneBreakerOfInvoiceService() {
        n().stubFor(get(urlPathEqualTo("/v1/orgs/" + org + "/invoices")).atPriority(1)
                .willReturn(aResponse().withStatus(503)));
        n().stubFor(get(urlPathEqualTo("/v1/exchange-rates/USD/XTR/effective")).atPriority(1)
                .willReturn(aResponse().withStatus(503)));
        assertThrows(RuntimeException.class, () -> invoices.firstUnsettled(org));
        n().verify(3, getRequestedFor(urlPathEqualTo("/v1/orgs/" + org + "/invoices"))); // two retries
        // the fourth failure, from the other call, fills the window: both calls share the breaker
        assertThrows(RuntimeException.class, () -> invoices.rateRecorded("USD", "XTR"));
        assertEquals(CircuitBreakerState.OPEN, breakers.currentState(InvoiceClient.NAME));
        assertThrows(CircuitBreakerOpenException.class, () -> invoices.firstUnsettled(org));
        n().verify(3, getRequestedFor(urlPathEqualTo("/v1/orgs/" + org + "/invoices")));
        assertEquals(CircuitBreakerState.CLOSED, breakers.currentState(UsageClient.NAME));
    }

    @Test
    void timeoutsCountAndTheStatusSaysUnavailable() {
        n().stubFor(get(urlPathEqualTo("/v1/orgs/" + org + "/usage/summary")).atPriority(1)
                .willReturn(okJson("{\"orgId\":\"" + org + "\",\"totals\":{\"totalTokens\":5,\"agentSessions\":1}}")
                        .withFixedDelay(2_000)));
        Instant from = Instant.parse("2026-03-01T00:00:00Z");
        Instant to = Instant.parse("2026-04-01T00:00:00Z");
        assertFalse(usage.thisPeriod(org, from, to).available());
        assertFalse(usage.thisPeriod(org, from, to).available());
        assertEquals(CircuitBreakerState.OPEN, breakers.currentState(UsageClient.NAME));
        int asked = n().findAll(getRequestedFor(urlPathEqualTo("/v1/orgs/" + org + "/usage/summary"))).size();
        assertFalse(usage.thisPeriod(org, from, to).available());
        assertEquals(asked, n().findAll(getRequestedFor(urlPathEqualTo("/v1/orgs/" + org + "/usage/summary"))).size());
    }

    private static WireMockServer n() {
        return StandInsResource.server();
    }
}
