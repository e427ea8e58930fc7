package io.accrue.usage;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathMatching;

import java.util.Map;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.core.WireMockConfiguration;
import com.github.tomakehurst.wiremock.stubbing.Scenario;

import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;

/**
 * subscription-service stand-in: organisations named {@code suspended-*} are suspended, {@code down-*} answer 503,
 * {@code none-*} have no account; {@code slowafter-*} and {@code failafter-*} answer "suspended" until
 * {@link #degrade} turns them slow or failing (the scenario state is shared by all organisations of the kind);
 * {@code entitled-*} (active) and {@code lapsed-*} (suspended) are on a plan with entitlements; every other
 * organisation is active, on a plan without any. {@code metered-*} accounts are on metered
 * Stripe prices (customer {@code cus_Metered123}). {@code POST /v1/billing-events} stores every event (201); tests
 * that need an outage or a refusal stub their organisation's events at a higher priority ({@link #admin}).
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
        // entitled-* (active) and lapsed-* (suspended): a plan with entitlements, period March 2026 (docs/entitlements.md)
        for (String kind : new String[]{"entitled", "lapsed"}) {
            server.stubFor(get(urlPathMatching("/v1/accounts/" + kind + "-[^/]+/status")).atPriority(1)
                    .willReturn(aResponse().withStatus(200).withHeader("Content-Type", "application/json")
                            .withBody(
                                    """
                                            {"orgId":"x","planSlug":"team","planVersion":2,"status":"%s",
                                             "currentPeriodStart":"2026-03-01T00:00:00Z","currentPeriodEnd":"2026-04-01T00:00:00Z",
                                             "entitlements":{"features":["sso","audit-log"],"allowedModels":["gpt-4o-mini"],
                                              "limits":{"llm_tokens":2000,"agent_sessions":1},"config":{"max-seats":"25"}}}"""
                                            .formatted(kind.equals("entitled") ? "active" : "suspended"))));
        }
        server.stubFor(get(urlPathMatching("/v1/accounts/down-[^/]+/status")).atPriority(1)
                .willReturn(aResponse().withStatus(503)));
        server.stubFor(get(urlPathMatching("/v1/accounts/none-[^/]+/status")).atPriority(1)
                .willReturn(aResponse().withStatus(404).withHeader("Content-Type", "application/problem+json")
                        .withBody("{\"status\":404,\"code\":\"account_not_found\"}")));
        // slowafter-* / failafter-*: "suspended" until a test moves the scenario to "degraded" (see degrade()), then
        // every answer takes 3 s (beyond the client's timeout) or fails with 503
        for (String kind : new String[]{"slowafter", "failafter"}) {
            server.stubFor(get(urlPathMatching("/v1/accounts/" + kind + "-[^/]+/status")).atPriority(1)
                    .inScenario(kind).whenScenarioStateIs(Scenario.STARTED)
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
        server.stubFor(post(urlPathEqualTo("/v1/billing-events")).atPriority(10)
                .willReturn(aResponse().withStatus(201).withHeader("Content-Type", "application/json")
                        .withBody("{\"created\":true}")));
        return Map.of("quarkus.rest-client.subscription-service.url", server.baseUrl());
    }

    /**
     * Moves the {@code slowafter} or {@code failafter} scenario to {@code degraded} ({@code true}) or back to its
     * start ({@code false}), through WireMock's admin API at the stand-in's URL.
     */
    public static void degrade(String kind, boolean degraded) {
        String base = org.eclipse.microprofile.config.ConfigProvider.getConfig()
                .getValue("quarkus.rest-client.subscription-service.url", String.class);
        try {
            var response = java.net.http.HttpClient.newHttpClient().send(java.net.http.HttpRequest
                    .newBuilder(java.net.URI.create(base + "/__admin/scenarios/" + kind + "/state"))
                    .PUT(java.net.http.HttpRequest.BodyPublishers
                            .ofString("{\"state\":\"" + (degraded ? "degraded" : Scenario.STARTED) + "\"}"))
                    .header("Content-Type", "application/json").build(),
                    java.net.http.HttpResponse.BodyHandlers.ofString());
            if (response.statusCode() != 200) {
                throw new IllegalStateException("scenario state not set: " + response.statusCode() + " "
                        + response.body());
            }
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** A WireMock client of the stand-in, for tests that stub or count its requests. */
    public static com.github.tomakehurst.wiremock.client.WireMock admin() {
        java.net.URI base = java.net.URI.create(org.eclipse.microprofile.config.ConfigProvider.getConfig()
                .getValue("quarkus.rest-client.subscription-service.url", String.class));
        return new com.github.tomakehurst.wiremock.client.WireMock(base.getHost(), base.getPort());
    }

    @Override
    public void stop() {
        if (server != null) {
            server.stop();
        }
    }
}
