package io.accrue.common.security;

import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;

import jakarta.enterprise.context.ApplicationScoped;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.accrue.common.time.WallTime;

/**
 * Bearer tokens for calls to neighbouring services, from a client-credentials grant, cached until shortly
 * before they expire. (quarkus-oidc-client would do this, but its deployment artifact is not resolvable for
 * the pinned platform; this is the twenty lines we need of it.)
 */
@ApplicationScoped
public class ServiceTokens {

    private static final Duration REFRESH_MARGIN = Duration.ofSeconds(30);

    private final ServiceAuthConfig config;
    private final ObjectMapper json;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    // Token lifetimes are the provider's wall-clock time, not the (possibly moved) billing clock.
    private final WallTime wallTime;
    private volatile String token;
    private volatile Instant refreshAt = Instant.MIN;

    ServiceTokens(ServiceAuthConfig config, ObjectMapper json, WallTime wallTime) {
        this.wallTime = wallTime;
        this.config = config;
        this.json = json;
    }

    /** The value of an {@code Authorization} header for a call to another Accrue service. */
    public String authorizationHeader() {
        if (config.staticToken().isPresent()) {
            return "Bearer " + config.staticToken().get();
        }
        if (token == null || wallTime.now().isAfter(refreshAt)) {
            refresh();
        }
        return "Bearer " + token;
    }

    private synchronized void refresh() {
        if (token != null && !wallTime.now().isAfter(refreshAt)) {
            return;
        }
        String url = config.tokenUrl().orElseThrow(() -> new IllegalStateException(
                "accrue.service-auth.token-url is not set: this service cannot call its neighbours"));
        String credentials = Base64.getEncoder().encodeToString(
                (enc(config.clientId()) + ":" + enc(config.clientSecret().orElse("")))
                        .getBytes(StandardCharsets.UTF_8));
        HttpRequest request = HttpRequest.newBuilder(URI.create(url))
                .timeout(Duration.ofSeconds(5))
                .header("Authorization", "Basic " + credentials)
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString("grant_type=client_credentials"))
                .build();
        try {
            HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());
            if (response.statusCode() != 200) {
                throw new IllegalStateException("token endpoint answered " + response.statusCode());
            }
            JsonNode body = json.readTree(response.body());
            long expiresIn = body.path("expires_in").asLong(60);
            token = body.path("access_token").asText();
            refreshAt = wallTime.now().plusSeconds(expiresIn).minus(REFRESH_MARGIN);
        } catch (IOException e) {
            throw new IllegalStateException("token endpoint unreachable", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while fetching a service token", e);
        }
    }

    private static String enc(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8);
    }
}
