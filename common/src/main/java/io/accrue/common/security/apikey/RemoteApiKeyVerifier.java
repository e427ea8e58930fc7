package io.accrue.common.security.apikey;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Optional;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import org.eclipse.microprofile.config.ConfigProvider;

import com.fasterxml.jackson.databind.ObjectMapper;

import io.accrue.common.security.SecurityConfig;
import io.accrue.common.security.ServiceTokens;
import io.quarkus.arc.DefaultBean;

/**
 * Verifies a key by asking subscription-service ({@code POST /v1/api-keys/introspect}, with this service's own
 * {@code billing-service} token). Only the key's hash travels; the key itself never leaves the service it was sent
 * to. subscription-service replaces this bean with one that reads its own database.
 */
@DefaultBean
@ApplicationScoped
public class RemoteApiKeyVerifier implements ApiKeyVerifier {

    static final String PATH = "/v1/api-keys/introspect";

    private final SecurityConfig config;
    private final ServiceTokens tokens;
    private final ObjectMapper json;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    @Inject
    RemoteApiKeyVerifier(SecurityConfig config, ServiceTokens tokens, ObjectMapper json) {
        this.config = config;
        this.tokens = tokens;
        this.json = json;
    }

    @Override
    public Optional<ApiKeyGrant> verify(String keyHash) {
        HttpRequest request = HttpRequest.newBuilder(URI.create(url()))
                .timeout(Duration.ofSeconds(2))
                .header("Authorization", tokens.authorizationHeader())
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{\"keyHash\":\"" + keyHash + "\"}"))
                .build();
        try {
            HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());
            return switch (response.statusCode()) {
                case 200 -> Optional.of(json.readValue(response.body(), ApiKeyGrant.class));
                case 404 -> Optional.empty();
                default -> throw new Unavailable("subscription-service answered " + response.statusCode(), null);
            };
        } catch (IOException e) {
            throw new Unavailable("subscription-service unreachable: " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new Unavailable("interrupted", e);
        } catch (IllegalStateException e) {
            throw new Unavailable(e.getMessage(), e); // no service token
        }
    }

    private String url() {
        return config.apiKeys().introspectionUrl().orElseGet(() -> ConfigProvider.getConfig()
                .getOptionalValue("quarkus.rest-client.subscription-service.url", String.class)
                .orElse("http://127.0.0.1:8081").replaceAll("/+$", "") + PATH);
    }
}
