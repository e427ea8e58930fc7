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
    private final AuthorizationCodes codes = new AuthorizationCodes();

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
        server.createContext(base + "/protocol/openid-connect/auth", this::authorize);
        server.createContext(base + "/protocol/openid-connect/logout", this::logout);
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
        config.put("authorization_endpoint", issuer + "/protocol/openid-connect/auth");
        config.put("end_session_endpoint", issuer + "/protocol/openid-connect/logout");
        config.put("grant_types_supported", List.of("authorization_code", "refresh_token", "client_credentials",
                "password"));
        config.put("id_token_signing_alg_values_supported", List.of("RS256"));
        config.put("token_endpoint_auth_methods_supported", List.of("client_secret_basic", "client_secret_post"));
        config.put("response_types_supported", List.of("code"));
        config.put("scopes_supported", List.of("openid", "profile"));
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
                issueForUser(exchange, client.get().clientId(), user.get(), null);
            }
            case "authorization_code" -> {
                AuthorizationCodes.Grant granted = codes.redeem(form.get("code"), client.get().clientId(),
                        form.get("redirect_uri"));
                if (granted == null) {
                    respond(exchange, 400, Map.of("error", "invalid_grant", "error_description", "Code not valid"));
                    return;
                }
                issueForUser(exchange, client.get().clientId(), realm.user(granted.username()).orElseThrow(),
                        granted.nonce());
            }
            case "refresh_token" -> {
                String username = codes.refresh(form.get("refresh_token"), client.get().clientId());
                if (username == null) {
                    respond(exchange, 400,
                            Map.of("error", "invalid_grant", "error_description", "Token is not active"));
                    return;
                }
                issueForUser(exchange, client.get().clientId(), realm.user(username).orElseThrow(), null);
            }
            default -> respond(exchange, 400, Map.of("error", "unsupported_grant_type"));
        }
    }

    /**
     * Signs an access token shaped like Keycloak's: roles both in {@code groups} and {@code realm_access}, the
     * realm's Accrue audience unless the client is another application of the realm.
     */
    String sign(String clientId, String subject, List<String> roles, String orgId, String environment) {
        JwtClaims claims = new JwtClaims();
        claims.setIssuer(issuer);
        claims.setSubject(subject);
        boolean forAccrue = realm.client(clientId).map(c -> !c.outsideAccrue()).orElse(true);
        if (forAccrue && realm.audience() != null) {
            claims.setAudience(realm.audience(), "account");
        } else {
            claims.setAudience("account");
        }
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
        return serialize(claims);
    }

    private void issue(HttpExchange exchange, String clientId, String subject, List<String> roles, String orgId,
            String environment) throws IOException {
        respond(exchange, 200, Map.of(
                "access_token", sign(clientId, subject, roles, orgId, environment),
                "token_type", "Bearer",
                "expires_in", TOKEN_LIFETIME_SECONDS,
                "scope", "openid"));
    }

    /**
     * The browser leg of the authorization-code flow (the console signs in through it): a login form, then a
     * redirect back to the client with a one-time code.
     */
    private void authorize(HttpExchange exchange) throws IOException {
        Map<String, String> params = "POST".equals(exchange.getRequestMethod())
                ? parseForm(exchange.getRequestBody())
                : parseForm(new java.io.ByteArrayInputStream(
                        Optional.ofNullable(exchange.getRequestURI().getRawQuery()).orElse("")
                                .getBytes(StandardCharsets.UTF_8)));
        Optional<LocalRealm.Client> client = realm.client(params.get("client_id"));
        String redirectUri = params.get("redirect_uri");
        if (client.isEmpty() || redirectUri == null || !client.get().allowsRedirect(redirectUri)
                || !"code".equals(params.get("response_type"))) {
            html(exchange, 400, "<p>Invalid client, redirect_uri or response_type.</p>");
            return;
        }
        String error = "";
        if ("POST".equals(exchange.getRequestMethod())) {
            Optional<LocalRealm.User> user = realm.user(params.get("username"));
            if (user.isPresent() && constantTimeEquals(user.get().password(), params.get("password"))) {
                String code = codes.issue(client.get().clientId(), redirectUri, user.get().username(),
                        params.get("nonce"));
                String target = redirectUri + (redirectUri.contains("?") ? "&" : "?") + "code=" + enc(code)
                        + (params.get("state") == null ? "" : "&state=" + enc(params.get("state")));
                exchange.getResponseHeaders().set("Location", target);
                exchange.sendResponseHeaders(302, -1);
                exchange.close();
                return;
            }
            error = "<p class=\"error\" id=\"login-error\">Invalid username or password.</p>";
        }
        StringBuilder hidden = new StringBuilder();
        for (String key : List.of("client_id", "redirect_uri", "response_type", "state", "nonce", "scope")) {
            if (params.get(key) != null) {
                hidden.append("<input type=\"hidden\" name=\"").append(key).append("\" value=\"")
                        .append(escape(params.get(key))).append("\">");
            }
        }
        html(exchange, 200, "<h1>Sign in to Accrue (local)</h1>" + error
                + "<form method=\"post\" action=\"auth\">" + hidden
                + "<label>Username <input id=\"username\" name=\"username\" autofocus></label>"
                + "<label>Password <input id=\"password\" name=\"password\" type=\"password\"></label>"
                + "<button id=\"kc-login\" type=\"submit\">Sign in</button></form>"
                + "<p>Demo users are listed by <code>bin/accrue-local</code> when it starts.</p>");
    }

    private void logout(HttpExchange exchange) throws IOException {
        Map<String, String> params = parseForm(new java.io.ByteArrayInputStream(
                Optional.ofNullable(exchange.getRequestURI().getRawQuery()).orElse("")
                        .getBytes(StandardCharsets.UTF_8)));
        String target = params.get("post_logout_redirect_uri");
        if (target != null && realm.clients().stream().anyMatch(c -> c.allowsRedirect(target))) {
            exchange.getResponseHeaders().set("Location", target);
            exchange.sendResponseHeaders(302, -1);
            exchange.close();
            return;
        }
        html(exchange, 200, "<p>Signed out.</p>");
    }

    private void issueForUser(HttpExchange exchange, String clientId, LocalRealm.User user, String nonce)
            throws IOException {
        Map<String, Object> body = new HashMap<>();
        body.put("access_token", sign(clientId, user.username(), user.roles(), user.orgId(), null));
        body.put("id_token", signIdToken(clientId, user, nonce));
        body.put("refresh_token", codes.refreshTokenFor(clientId, user.username()));
        body.put("token_type", "Bearer");
        body.put("expires_in", TOKEN_LIFETIME_SECONDS);
        body.put("scope", "openid profile");
        respond(exchange, 200, body);
    }

    private String signIdToken(String clientId, LocalRealm.User user, String nonce) {
        JwtClaims claims = new JwtClaims();
        claims.setIssuer(issuer);
        claims.setSubject(user.username());
        claims.setAudience(clientId);
        claims.setExpirationTimeMinutesInTheFuture(TOKEN_LIFETIME_SECONDS / 60f);
        claims.setIssuedAtToNow();
        claims.setClaim("auth_time", System.currentTimeMillis() / 1000); // wall time: tokens are judged by real time
        claims.setClaim("typ", "ID");
        claims.setClaim("azp", clientId);
        claims.setClaim("preferred_username", user.username());
        // like a stock Keycloak client: roles and organisation are in the access token only, so the console is
        // proven to read them from there (docs/identity.md)
        if (nonce != null) {
            claims.setClaim("nonce", nonce);
        }
        return serialize(claims);
    }

    private String serialize(JwtClaims claims) {
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

    private static void html(HttpExchange exchange, int status, String body) throws IOException {
        byte[] bytes = ("<!doctype html><html><head><meta charset=\"utf-8\"><title>Accrue sign-in</title>"
                + "<style>body{font-family:sans-serif;max-width:28rem;margin:4rem auto}label{display:block;margin:.6rem 0}"
                + ".error{color:#b00}</style></head><body>" + body + "</body></html>").getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("Content-Type", "text/html; charset=utf-8");
        exchange.sendResponseHeaders(status, bytes.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(bytes);
        }
    }

    private static String escape(String value) {
        return value.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;");
    }

    private static String enc(String value) {
        return java.net.URLEncoder.encode(value, StandardCharsets.UTF_8);
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
