package io.accrue.usage;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathMatching;

import java.util.Map;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.core.WireMockConfiguration;

import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;

/**
 * subscription-service stand-in: organisations named {@code suspended-*} are suspended, {@code down-*} answer 503,
 * {@code none-*} have no account; every other organisation is active. {@code metered-*} accounts are on metered
 * Stripe prices (customer {@code cus_Metered123}).
 */
@QuarkusTestResource(SubscriptionServiceStub.class)
public class SubscriptionServiceStub implements QuarkusTestResourceLifecycleManager {

    private WireMockServer server;

    @Override
    public Map<String, String> start() {
        server = new WireMockServer(WireMockConfiguration.options().dynamicPort().bindAddress("127.0.0.1"));
        server.start();
        server.stubFor(get(urlPathMatching("/v1/accounts/[^/]+/status")).atPriority(10)
                .willReturn(aResponse().withStatus(200).withHeader("Content-Type", "application/json")
                        .withBody(
                                "{\"orgId\":\"x\",\"planSlug\":\"pro\",\"status\":\"active\",\"meteredEnabled\":false,"
                                        + "\"usage\":{\"available\":true,\"llmTokens\":0,\"agentSessions\":0}}")));
        server.stubFor(get(urlPathMatching("/v1/accounts/suspended-[^/]+/status")).atPriority(1)
                .willReturn(aResponse().withStatus(200).withHeader("Content-Type", "application/json")
                        .withBody("{\"orgId\":\"x\",\"planSlug\":\"pro\",\"status\":\"suspended\",\"newField\":1}")));
        server.stubFor(get(urlPathMatching("/v1/accounts/down-[^/]+/status")).atPriority(1)
                .willReturn(aResponse().withStatus(503)));
        server.stubFor(get(urlPathMatching("/v1/accounts/none-[^/]+/status")).atPriority(1)
                .willReturn(aResponse().withStatus(404).withHeader("Content-Type", "application/problem+json")
                        .withBody("{\"status\":404,\"code\":\"account_not_found\"}")));
        // metering reads the billing mode from the subscription: metered-* orgs are on metered prices, flatmode-* orgs
        // have metering enabled but bill flat (Accrue's invoice bills their tokens)
        server.stubFor(get(urlPathMatching("/v1/accounts/metered-[^/]+/subscription")).atPriority(1)
                .willReturn(aResponse().withStatus(200).withHeader("Content-Type", "application/json")
                        .withBody("{\"orgId\":\"x\",\"planSlug\":\"pro\",\"status\":\"active\",\"meteredEnabled\":true,"
                                + "\"billingMode\":\"metered\"}")));
        server.stubFor(get(urlPathMatching("/v1/accounts/flatmode-[^/]+")).atPriority(1)
                .willReturn(aResponse().withStatus(200).withHeader("Content-Type", "application/json")
                        .withBody("{\"orgId\":\"x\",\"name\":\"F\",\"currency\":\"USD\",\"timeZone\":\"UTC\","
                                + "\"planSlug\":\"pro\",\"stripeCustomerId\":\"cus_Flat123\",\"meteredEnabled\":true}")));
        server.stubFor(get(urlPathMatching("/v1/accounts/flatmode-[^/]+/subscription")).atPriority(1)
                .willReturn(aResponse().withStatus(200).withHeader("Content-Type", "application/json")
                        .withBody("{\"orgId\":\"x\",\"planSlug\":\"pro\",\"status\":\"active\",\"meteredEnabled\":true,"
                                + "\"billingMode\":\"flat\"}")));
        server.stubFor(get(urlPathMatching("/v1/accounts/(metered-[^/]+)")).atPriority(1)
                .willReturn(aResponse().withStatus(200).withHeader("Content-Type", "application/json")
                        .withBody("{\"orgId\":\"x\",\"name\":\"M\",\"currency\":\"USD\",\"timeZone\":\"UTC\","
                                + "\"planSlug\":\"pro\",\"stripeCustomerId\":\"cus_Metered123\",\"meteredEnabled\":true}")));
        return Map.of("quarkus.rest-client.subscription-service.url", server.baseUrl());
    }

    @Override
    public void stop() {
        if (server != null) {
            server.stop();
        }
    }
}
