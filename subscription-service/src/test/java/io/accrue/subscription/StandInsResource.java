package io.accrue.subscription;

import java.util.Map;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.core.WireMockConfiguration;

import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;

/**
 * One WireMock server standing in for usage-service and Stripe (paths do not overlap). Tests stub it through
 * {@link #server()}.
 */
public class StandInsResource implements QuarkusTestResourceLifecycleManager {

    private static WireMockServer server;

    public static WireMockServer server() {
        return server;
    }

    @Override
    public Map<String, String> start() {
        server = new WireMockServer(WireMockConfiguration.options().dynamicPort());
        server.start();
        String base = "http://127.0.0.1:" + server.port();
        return Map.of("quarkus.rest-client.usage-service.url", base, "accrue.stripe.api-base", base);
    }

    @Override
    public void stop() {
        if (server != null) {
            server.stop();
        }
    }
}
