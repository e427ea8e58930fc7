package io.accrue.localstack;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.Executors;

import org.jose4j.jwk.JsonWebKey;
import org.jose4j.jwk.RsaJsonWebKey;
import org.jose4j.jwk.RsaJwkGenerator;
import org.jose4j.jws.AlgorithmIdentifiers;
import org.jose4j.jws.JsonWebSignature;
import org.jose4j.jwt.JwtClaims;
import org.jose4j.lang.JoseException;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

/**
 * A small OIDC provider for the local stack, shaped like Keycloak (same paths, same token claims), so the
 * services run against it exactly as they would against a real provider: discovery, JWKS, RS256 tokens.
 * It supports the client-credentials grant (machine clients: gateways, the suite's own services) and the
 * password grant (demo users). Production points {@code ACCRUE_OIDC_URL} at a real provider instead.
 */
final class LocalOidcProvider implements AutoCloseable {

    static final long TOKEN_LIFETIME_SECONDS = 3600;

    private final LocalRealm realm;
    private final String issuer;
    private final RsaJsonWebKey signingKey;
    private final HttpServer server;
    private final ObjectMapper json = new ObjectMapper();

    LocalOidcProvider(LocalRealm realm, String host, int port) throws IOException {
        this.realm = realm;
        this.server = HttpServer.create(new InetSocketAddress(host, port), 64);
        this.issuer = "http://" + host + ":" + server.getAddress().getPort() + "/realms/" + realm.name();
        try {
            this.signingKey = RsaJwkGenerator.generateJwk(2048);
        } catch (JoseException e) {
            throw new IllegalStateException(e);
        }
        signingKey.setKeyId(UUID.randomUUID().toString());
        signingKey.setAlgorithm(AlgorithmIdentifiers.RSA_USING_SHA256);
        signingKey.setUse("sig");
        String base = "/realms/" + realm.name();
        server.createContext(base + "/.well-known/openid-configuration", this::discovery);
        server.createContext(base + "/protocol/openid-connect/certs", this::keys);
        server.createContext(base + "/protocol/openid-connect/token", this::token);
        server.setExecutor(Executors.newFixedThreadPool(4));
    }

    void start() {
        server.start();
    }

    String issuer() {
        return issuer;
    }

    String tokenEndpoint() {
        return issuer + "/protocol/openid-connect/token";
    }

    @Override
    public void close() {
        server.stop(0);
    }

    private void discovery(HttpExchange exchange) throws IOException {
        Map<String, Object> config = new HashMap<>();
        config.put("issuer", issuer);
        config.put("jwks_uri", issuer + "/protocol/openid-connect/certs");
        config.put("token_endpoint", tokenEndpoint());
        config.put("grant_types_supported", List.of("client_credentials", "password"));
        config.put("id_token_signing_alg_values_supported", List.of("RS256"));
        config.put("token_endpoint_auth_methods_supported", List.of("client_secret_basic", "client_secret_post"));
        config.put("response_types_supported", List.of("token"));
        config.put("subject_types_supported", List.of("public"));
        respond(exchange, 200, config);
    }

    private void keys(HttpExchange exchange) throws IOException {
        Map<String, Object> jwks = Map.of("keys",
                List.of(json.readValue(signingKey.toJson(JsonWebKey.OutputControlLevel.PUBLIC_ONLY), Map.class)));
        respond(exchange, 200, jwks);
    }

    private void token(HttpExchange exchange) throws IOException {
        if (!"POST".equals(exchange.getRequestMethod())) {
            respond(exchange, 405, Map.of("error", "invalid_request"));
            return;
        }
        Map<String, String> form = parseForm(exchange.getRequestBody());
        Optional<String[]> basic = basicCredentials(exchange);
        String clientId = basic.map(c -> c[0]).orElse(form.get("client_id"));
        String secret = basic.map(c -> c[1]).orElse(form.get("client_secret"));
        Optional<LocalRealm.Client> client = realm.client(clientId);
        if (client.isEmpty() || !client.get().authenticates(secret)) {
            respond(exchange, 401,
                    Map.of("error", "invalid_client", "error_description", "Invalid client credentials"));
            return;
        }
        String grant = form.getOrDefault("grant_type", "");
        switch (grant) {
            case "client_credentials" -> {
                LocalRealm.Client c = client.get();
                if (c.isPublic()) {
                    respond(exchange, 400, Map.of("error", "unauthorized_client"));
                    return;
                }
                issue(exchange, c.clientId(), "service-account-" + c.clientId(), c.roles(), c.orgId(),
                        c.environment());
            }
            case "password" -> {
                Optional<LocalRealm.User> user = realm.user(form.get("username"));
                if (user.isEmpty() || !constantTimeEquals(user.get().password(), form.get("password"))) {
                    respond(exchange, 401,
                            Map.of("error", "invalid_grant", "error_description", "Invalid user credentials"));
                    return;
                }
                LocalRealm.User u = user.get();
                issue(exchange, client.get().clientId(), u.username(), u.roles(), u.orgId(), null);
            }
            default -> respond(exchange, 400, Map.of("error", "unsupported_grant_type"));
        }
    }

    /** Signs an access token shaped like Keycloak's: roles both in {@code groups} and {@code realm_access}. */
    String sign(String clientId, String subject, List<String> roles, String orgId, String environment) {
        JwtClaims claims = new JwtClaims();
        claims.setIssuer(issuer);
        claims.setSubject(subject);
        claims.setAudience("account");
        claims.setExpirationTimeMinutesInTheFuture(TOKEN_LIFETIME_SECONDS / 60f);
        claims.setIssuedAtToNow();
        claims.setGeneratedJwtId();
        claims.setClaim("typ", "Bearer");
        claims.setClaim("azp", clientId);
        claims.setClaim("preferred_username", subject);
        claims.setStringListClaim("groups", roles);
        claims.setClaim("realm_access", Map.of("roles", roles));
        if (orgId != null) {
            claims.setClaim("org_id", orgId);
        }
        if (environment != null) {
            claims.setClaim("environment", environment);
        }
        JsonWebSignature jws = new JsonWebSignature();
        jws.setPayload(claims.toJson());
        jws.setKey(signingKey.getPrivateKey());
        jws.setKeyIdHeaderValue(signingKey.getKeyId());
        jws.setAlgorithmHeaderValue(AlgorithmIdentifiers.RSA_USING_SHA256);
        try {
            return jws.getCompactSerialization();
        } catch (JoseException e) {
            throw new IllegalStateException(e);
        }
    }

    private void issue(HttpExchange exchange, String clientId, String subject, List<String> roles, String orgId,
            String environment) throws IOException {
        respond(exchange, 200, Map.of(
                "access_token", sign(clientId, subject, roles, orgId, environment),
                "token_type", "Bearer",
                "expires_in", TOKEN_LIFETIME_SECONDS,
                "scope", "openid"));
    }

    private void respond(HttpExchange exchange, int status, Object body) throws IOException {
        byte[] bytes = json.writeValueAsBytes(body);
        exchange.getResponseHeaders().set("Content-Type", "application/json");
        exchange.getResponseHeaders().set("Cache-Control", "no-store");
        exchange.sendResponseHeaders(status, bytes.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(bytes);
        }
    }

    private static Map<String, String> parseForm(InputStream body) throws IOException {
        String text = new String(body.readAllBytes(), StandardCharsets.UTF_8);
        Map<String, String> form = new HashMap<>();
        for (String pair : text.split("&")) {
            if (pair.isEmpty()) {
                continue;
            }
            int eq = pair.indexOf('=');
            String key = URLDecoder.decode(eq < 0 ? pair : pair.substring(0, eq), StandardCharsets.UTF_8);
            String value = eq < 0 ? "" : URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8);
            form.put(key, value);
        }
        return form;
    }

    private static Optional<String[]> basicCredentials(HttpExchange exchange) {
        String header = exchange.getRequestHeaders().getFirst("Authorization");
        if (header == null || !header.regionMatches(true, 0, "Basic ", 0, 6)) {
            return Optional.empty();
        }
        String decoded = new String(Base64.getDecoder().decode(header.substring(6).trim()), StandardCharsets.UTF_8);
        int colon = decoded.indexOf(':');
        if (colon < 0) {
            return Optional.empty();
        }
        return Optional.of(new String[]{URLDecoder.decode(decoded.substring(0, colon), StandardCharsets.UTF_8),
                URLDecoder.decode(decoded.substring(colon + 1), StandardCharsets.UTF_8)});
    }

    static boolean constantTimeEquals(String expected, String given) {
        if (expected == null || given == null) {
            return false;
        }
        return MessageDigest.isEqual(expected.getBytes(StandardCharsets.UTF_8), given.getBytes(StandardCharsets.UTF_8));
    }
}
