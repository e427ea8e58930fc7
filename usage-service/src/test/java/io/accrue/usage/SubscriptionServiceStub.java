package io.accrue.usage;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathMatching;

import java.util.Map;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.core.WireMockConfiguration;
import com.github.tomakehurst.wiremock.stubbing.Scenario;

import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;

/**
 * subscription-service stand-in: organisations named {@code suspended-*} are suspended, {@code down-*} answer 503,
 * {@code none-*} have no account; {@code slowafter-*} and {@code failafter-*} answer "suspended" once, then slowly
 * or with 503 (one organisation per test: the scenario state is shared); every other organisation is active. {@code metered-*} accounts are on metered
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
        // slowafter-* / failafter-*: the first status answer is "suspended", every later one takes 3 s (beyond the
        // client's timeout) or fails with 503 — subscription-service turning slow or failing after it was seen
        for (String kind : new String[]{"slowafter", "failafter"}) {
            server.stubFor(get(urlPathMatching("/v1/accounts/" + kind + "-[^/]+/status")).atPriority(1)
                    .inScenario(kind).whenScenarioStateIs(Scenario.STARTED).willSetStateTo("degraded")
                    .willReturn(aResponse().withStatus(200).withHeader("Content-Type", "application/json")
                            .withBody("{\"orgId\":\"x\",\"planSlug\":\"pro\",\"status\":\"suspended\"}")));
            server.stubFor(get(urlPathMatching("/v1/accounts/" + kind + "-[^/]+/status")).atPriority(1)
                    .inScenario(kind).whenScenarioStateIs("degraded")
                    .willReturn(kind.equals("slowafter")
                            ? aResponse().withStatus(200).withHeader("Content-Type", "application/json")
                                    .withFixedDelay(3000)
                                    .withBody("{\"orgId\":\"x\",\"planSlug\":\"pro\",\"status\":\"active\"}")
                            : aResponse().withStatus(503)));
        }
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
