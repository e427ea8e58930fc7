package io.accrue.contract;

import java.util.Map;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.core.WireMockConfiguration;

import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;

/**
 * A WireMock stand-in of subscription-service (contract-service only publishes billing events to it,
 * {@code POST /v1/billing-events}, docs/internal-apis.md), on loopback; tests stub it through {@link #server()}.
 */
public class SubscriptionStandIn implements QuarkusTestResourceLifecycleManager {

    private static WireMockServer server;

    public static WireMockServer server() {
        return server;
    }

    @Override
    public Map<String, String> start() {
        server = new WireMockServer(WireMockConfiguration.options().bindAddress("127.0.0.1").dynamicPort());
        server.start();
        return Map.of("quarkus.rest-client.subscription-service.url", server.baseUrl());
    }

    @Override
    public void stop() {
        if (server != null) {
            server.stop();
        }
    }
}
