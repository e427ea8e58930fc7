package io.accrue.usage;

import java.util.Map;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.core.WireMockConfiguration;

import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;

/** A Stripe stand-in (API and meter-events bases); tests program it through {@link #server}. */
@QuarkusTestResource(StripeStub.class)
public class StripeStub implements QuarkusTestResourceLifecycleManager {

    public static volatile WireMockServer server;

    @Override
    public Map<String, String> start() {
        server = new WireMockServer(WireMockConfiguration.options().dynamicPort().bindAddress("127.0.0.1"));
        server.start();
        return Map.of("accrue.usage.stripe.api-base", server.baseUrl(),
                "accrue.usage.stripe.meter-events-base", server.baseUrl(),
                "accrue.usage.stripe.api-key", "sk_test_stub");
    }

    @Override
    public void stop() {
        if (server != null) {
            server.stop();
        }
    }
}
