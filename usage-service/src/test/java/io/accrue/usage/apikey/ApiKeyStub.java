package io.accrue.usage.apikey;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.equalToJson;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;

import java.net.URI;

import org.eclipse.microprofile.config.ConfigProvider;

import com.github.tomakehurst.wiremock.client.WireMock;

import io.accrue.common.security.Environment;
import io.accrue.common.security.apikey.ApiKeys;

/**
 * Issues keys at the subscription-service stand-in ({@code SubscriptionServiceStub}): registers the answer of its
 * {@code POST /v1/api-keys/introspect} for the key's hash, as subscription-service would give it, and only for a
 * caller presenting this service's own {@code billing-service} token.
 */
public final class ApiKeyStub {

    private ApiKeyStub() {
    }

    public static WireMock standIn() {
        URI base = URI.create(ConfigProvider.getConfig()
                .getValue("quarkus.rest-client.subscription-service.url", String.class));
        return new WireMock(base.getHost(), base.getPort());
    }

    /** A new key of {@code org}, valid at the stand-in with {@code role}. */
    public static String issue(String org, Environment env, String role) {
        String key = ApiKeys.generate(env);
        answer(key, 200, """
                {"keyId":"%s","organisationId":"%s","environment":"%s","role":"%s","expiresAt":null,"extra":1}"""
                .formatted(java.util.UUID.randomUUID(), org, env.wireName(), role));
        return key;
    }

    public static void answer(String key, int status, String body) {
        standIn().register(post(urlEqualTo("/v1/api-keys/introspect")).atPriority(1)
                .withHeader("Authorization", equalTo("Bearer test-service-token"))
                .withRequestBody(equalToJson("{\"keyHash\":\"" + ApiKeys.hash(key) + "\"}"))
                .willReturn(aResponse().withStatus(status).withHeader("Content-Type", "application/json")
                        .withBody(body)));
    }
}
