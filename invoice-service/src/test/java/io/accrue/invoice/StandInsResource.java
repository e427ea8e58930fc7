package io.accrue.invoice;

import java.util.Map;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.core.WireMockConfiguration;

import io.accrue.localstack.StripeConnectStandIn;
import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;

/**
 * WireMock stand-ins for the neighbours (subscription-, usage-, contract-service, per docs/internal-apis.md) and
 * for Stripe, on loopback, each on its own port. Tests stub them through {@link #neighbours()} / {@link #stripe()};
 * the Stripe one also carries the stateful {@link StripeConnectStandIn}.
 */
public class StandInsResource implements QuarkusTestResourceLifecycleManager {

    private static WireMockServer neighbours;
    private static WireMockServer stripe;

    public static WireMockServer neighbours() {
        return neighbours;
    }

    public static WireMockServer stripe() {
        return stripe;
    }

    @Override
    public Map<String, String> start() {
        neighbours = new WireMockServer(WireMockConfiguration.options().bindAddress("127.0.0.1").dynamicPort());
        neighbours.start();
        // the Connect stand-in answers only the stubs that name it (StripeConnectStandIn.NAME)
        stripe = new WireMockServer(WireMockConfiguration.options().bindAddress("127.0.0.1").dynamicPort()
                .extensions(StripeConnectStandIn.instance()));
        stripe.start();
        String n = neighbours.baseUrl();
        return Map.of(
                "quarkus.rest-client.subscription-service.url", n,
                "quarkus.rest-client.usage-service.url", n,
                "quarkus.rest-client.contract-service.url", n,
                // short timeouts so failure tests stay fast
                "quarkus.rest-client.read-timeout", "5000",
                "accrue.invoice.stripe.api-base", stripe.baseUrl());
    }

    @Override
    public void stop() {
        if (neighbours != null) {
            neighbours.stop();
        }
        if (stripe != null) {
            stripe.stop();
        }
    }
}
