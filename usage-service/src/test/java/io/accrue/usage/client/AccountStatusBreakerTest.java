package io.accrue.usage.client;

import static com.github.tomakehurst.wiremock.client.WireMock.getRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.net.URI;
import java.util.Map;
import java.util.UUID;

import jakarta.inject.Inject;

import org.eclipse.microprofile.config.ConfigProvider;
import org.eclipse.microprofile.faulttolerance.exceptions.CircuitBreakerOpenException;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import com.github.tomakehurst.wiremock.client.WireMock;

import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.smallrye.faulttolerance.api.CircuitBreakerMaintenance;
import io.smallrye.faulttolerance.api.CircuitBreakerState;

/**
 * subscription-service's one circuit breaker: a 4xx (404: no account) is an answer, neither retried nor counted; a
 * 5xx is retried and counted, and once open every call to the neighbour (the quota path's status and metering's
 * account alike) fails fast without a request. Small thresholds through the production configuration keys.
 */
@QuarkusTest
@TestProfile(AccountStatusBreakerTest.SmallBreaker.class)
class AccountStatusBreakerTest {

    public static class SmallBreaker implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of(
                    "io.accrue.usage.client.AccountStatusClient/guarded/CircuitBreaker/requestVolumeThreshold", "4",
                    "io.accrue.usage.client.AccountStatusClient/guarded/CircuitBreaker/failureRatio", "1.0",
                    "io.accrue.usage.client.AccountStatusClient/guarded/CircuitBreaker/delay", "60000",
                    // a loaded machine must not turn the retries into timeouts here
                    "io.accrue.usage.client.AccountStatusClient/fetch/Timeout/value", "10000",
                    "io.accrue.usage.client.AccountStatusClient/guarded/Timeout/value", "5000");
        }
    }

    @Inject
    AccountStatusClient client;
    @Inject
    CircuitBreakerMaintenance breakers;

    private WireMock stand;

    @BeforeEach
    void closedBreaker() {
        breakers.resetAll();
        // the first call of a fresh application builds the REST client: warm it before counting requests
        client.fetch("warm-" + UUID.randomUUID());
        breakers.resetAll();
        URI base = URI.create(ConfigProvider.getConfig()
                .getValue("quarkus.rest-client.subscription-service.url", String.class));
        stand = WireMock.create().host(base.getHost()).port(base.getPort()).build();
    }

    @Test
    void aRejectionIsNeitherRetriedNorCounted() {
        String org = "none-" + UUID.randomUUID();
        for (int i = 0; i < 6; i++) {
            var e = assertThrows(AccountStatusClient.SubscriptionRejected.class, () -> client.fetch(org));
            assertEquals(404, e.getResponse().getStatus());
        }
        assertEquals(6, stand.find(getRequestedFor(urlPathEqualTo("/v1/accounts/" + org + "/status"))).size());
        assertEquals(CircuitBreakerState.CLOSED, breakers.currentState(AccountStatusClient.NAME));
    }

    @Test
    void serverErrorsAreRetriedAndOpenTheOneBreaker() {
        String org = "down-" + UUID.randomUUID();
        assertEquals("unknown", client.fetch(org).status());
        assertEquals(3, stand.find(getRequestedFor(urlPathEqualTo("/v1/accounts/" + org + "/status"))).size());
        assertEquals("unknown", client.fetch(org).status()); // the fourth failure fills the window
        assertEquals(CircuitBreakerState.OPEN, breakers.currentState(AccountStatusClient.NAME));
        String other = "metered-" + UUID.randomUUID();
        assertThrows(CircuitBreakerOpenException.class, () -> client.account(other));
        assertEquals(0, stand.find(getRequestedFor(urlPathEqualTo("/v1/accounts/" + other))).size());
    }
}
