package io.accrue.subscription;

import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathMatching;

import java.util.Map;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.core.WireMockConfiguration;

import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;

/**
 * One WireMock server standing in for usage-service, invoice-service and Stripe (their paths do not overlap). Tests stub it
 * through {@link #server()}; Stripe-shaped defaults are installed at start.
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
        stubStripeDefaults(server);
        String base = "http://127.0.0.1:" + server.port();
        return Map.of("quarkus.rest-client.usage-service.url", base, "quarkus.rest-client.invoice-service.url", base,
                "accrue.stripe.api-base", base);
    }

    /** Stripe-shaped answers every test may rely on (tests add more specific stubs on top). */
    static void stubStripeDefaults(WireMockServer s) {
        s.stubFor(post("/v1/customers").atPriority(10).willReturn(okJson("""
                {"id":"cus_{{randomValue length=14 type='ALPHANUMERIC'}}","object":"customer","created":1773568800,
                 "livemode":false,"name":"Acme AI","metadata":{},"invoice_settings":{"default_payment_method":null}}""")
                .withTransformers("response-template")));
        // invoice-service: no invoices unless a test says otherwise
        s.stubFor(get(urlPathMatching("/v1/orgs/[^/]+/invoices")).atPriority(10)
                .willReturn(okJson("{\"items\":[],\"nextCursor\":null}")));
    }

    @Override
    public void stop() {
        if (server != null) {
            server.stop();
        }
    }
}
