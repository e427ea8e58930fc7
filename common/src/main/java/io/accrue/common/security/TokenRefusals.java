package io.accrue.common.security;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

import jakarta.enterprise.context.ApplicationScoped;

import org.eclipse.microprofile.config.ConfigProvider;
import org.jboss.logging.Logger;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * Says in one log line why a bearer token was refused when the cause is the deployment's, not the caller's: a token
 * issued for another issuer (fetched via {@code localhost} while the services expect {@code 127.0.0.1}, or a
 * Keycloak without a stable hostname) or without the audience the services require. Without it both are a bare 401.
 * The token's own claims are read only to describe it, never trusted; each distinct refusal is logged at most once a
 * minute, so a caller repeating a bad token cannot flood the log.
 */
@ApplicationScoped
public class TokenRefusals {

    private static final Logger LOG = Logger.getLogger(TokenRefusals.class);
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Duration QUIET = Duration.ofMinutes(1);
    private static final int MAX_REMEMBERED = 1000;

    private final Optional<String> expectedIssuer;
    private final List<String> expectedAudiences;
    private final Map<String, Instant> lastLogged = new ConcurrentHashMap<>();
    /** The log's quiet minute is wall-clock time, never the adjustable business clock. */
    @jakarta.inject.Inject
    io.accrue.common.time.WallTime wallTime;

    TokenRefusals() {
        var config = ConfigProvider.getConfig();
        Optional<String> issuer = config.getOptionalValue("quarkus.oidc.token.issuer", String.class);
        this.expectedIssuer = issuer.isPresent()
                ? issuer
                : config.getOptionalValue("quarkus.oidc.auth-server-url", String.class);
        this.expectedAudiences = config.getOptionalValues("quarkus.oidc.token.audience", String.class)
                .orElse(List.of());
    }

    /** Logs why the token of a refused request was refused, if it is the issuer or the audience. */
    public void refused(String authorizationHeader) {
        if (authorizationHeader == null || !authorizationHeader.regionMatches(true, 0, "Bearer ", 0, 7)) {
            return;
        }
        describe(authorizationHeader.substring(7).trim(), expectedIssuer, expectedAudiences).ifPresent(line -> {
            Instant now = wallTime.now();
            Instant last = lastLogged.get(line);
            if (last != null && last.plus(QUIET).isAfter(now)) {
                return;
            }
            if (lastLogged.size() >= MAX_REMEMBERED) {
                lastLogged.clear();
            }
            lastLogged.put(line, now);
            LOG.warn(line);
        });
    }

    /**
     * The log line for a token refused for its issuer or audience, or empty when neither is the reason (signature,
     * expiry: the caller's business). {@code any} as the expected issuer means no issuer check.
     */
    static Optional<String> describe(String token, Optional<String> expectedIssuer, List<String> expectedAudiences) {
        JsonNode claims = payload(token);
        if (claims == null) {
            return Optional.empty();
        }
        String client = text(claims.get("azp")).or(() -> text(claims.get("client_id"))).orElse("?");
        Optional<String> issuer = text(claims.get("iss"));
        if (expectedIssuer.isPresent() && !"any".equals(expectedIssuer.get())
                && !issuer.map(i -> stripSlash(i).equals(stripSlash(expectedIssuer.get()))).orElse(false)) {
            return Optional.of("Token refused: issuer " + issuer.map(i -> "'" + i + "'").orElse("missing")
                    + " is not the expected '" + expectedIssuer.get() + "' (client " + client + "). Fetch tokens from"
                    + " the address the services expect, or set the provider's stable hostname (Keycloak: KC_HOSTNAME)"
                    + " and QUARKUS_OIDC_TOKEN_ISSUER; see docs/identity.md.");
        }
        List<String> audiences = new ArrayList<>();
        JsonNode aud = claims.get("aud");
        if (aud != null && aud.isArray()) {
            aud.forEach(a -> audiences.add(a.asText()));
        } else {
            text(aud).ifPresent(audiences::add);
        }
        if (!expectedAudiences.isEmpty() && expectedAudiences.stream().noneMatch(audiences::contains)) {
            return Optional.of("Token refused: audience " + audiences + " does not include "
                    + String.join(" or ", expectedAudiences.stream().map(a -> "'" + a + "'").toList()) + " (client "
                    + client + "). Give the client an audience mapper for it (docs/identity.md), or it is a token meant"
                    + " for another application.");
        }
        return Optional.empty();
    }

    private static JsonNode payload(String token) {
        String[] parts = token.split("\\.");
        if (parts.length != 3) {
            return null;
        }
        try {
            JsonNode node = JSON.readTree(new String(Base64.getUrlDecoder().decode(parts[1]), StandardCharsets.UTF_8));
            return node != null && node.isObject() ? node : null;
        } catch (java.io.IOException | IllegalArgumentException e) {
            return null;
        }
    }

    private static Optional<String> text(JsonNode node) {
        return node == null || !node.isTextual() || node.asText().isBlank()
                ? Optional.empty()
                : Optional.of(node.asText());
    }

    private static String stripSlash(String url) {
        return url.endsWith("/") ? url.substring(0, url.length() - 1) : url;
    }
}
