package io.accrue.common.http;

import java.util.Locale;
import java.util.Map;
import java.util.regex.Pattern;

import jakarta.enterprise.event.Observes;
import jakarta.inject.Singleton;

import org.eclipse.microprofile.config.ConfigProvider;

import io.accrue.common.security.apikey.ApiKeys;
import io.quarkus.runtime.configuration.MemorySize;
import io.vertx.core.MultiMap;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;

/**
 * The first handler of every request, for every route (API, {@code /q/*}, unknown paths): security headers on every
 * answer, and the refusals that must happen before a route or the OIDC layer sees the request, each as problem+json
 * with a stable code (docs/errors.md):
 * <ul>
 * <li>413 {@code payload_too_large}: a declared {@code Content-Length} above {@code quarkus.http.limits.max-body-size}
 * (Quarkus' own check would answer it without a body);</li>
 * <li>414 {@code uri_too_long} and 431 {@code headers_too_large} (see {@link HttpEdgeConfig});</li>
 * <li>401 {@code unauthenticated}: a bearer token that is not a compact JWS ({@code .}, {@code ..}), which the OIDC
 * layer would otherwise fail on with a logged stack trace;</li>
 * <li>401 {@code api_key_malformed}: a bearer starting {@code acr_} that is not a well-formed API key (length,
 * alphabet, checksum: {@link ApiKeys#parse}), so a mistyped key is never looked up;</li>
 * <li>400 {@code invalid_value}: a path or query parameter carrying a NUL character, which PostgreSQL cannot store
 * or compare; {@code violations[0].field} names the query parameter, or {@code path};</li>
 * <li>400 {@code value_too_long}: a path segment or query parameter longer than
 * {@code accrue.http.max-parameter-length} (published as each parameter's {@code maxLength} by
 * {@link PublishedLimits}).</li>
 * </ul>
 */
@Singleton
public class HttpEdge {

    private static final Pattern COMPACT_JWS = Pattern.compile("[A-Za-z0-9_-]+\\.[A-Za-z0-9_-]+\\.[A-Za-z0-9_-]+");
    private static final String PROBLEM = "application/problem+json";

    private final HttpEdgeConfig config;

    HttpEdge(HttpEdgeConfig config) {
        this.config = config;
    }

    void install(@Observes Router router) {
        long maxBody = ConfigProvider.getConfig()
                .getOptionalValue("quarkus.http.limits.max-body-size", MemorySize.class)
                .map(MemorySize::asLongValue).orElse(10240L * 1024);
        router.route().order(Integer.MIN_VALUE + 10).handler(ctx -> handle(ctx, maxBody));
    }

    private void handle(RoutingContext ctx, long maxBody) {
        HttpServerResponse response = ctx.response();
        ctx.addHeadersEndHandler(v -> securityHeaders(response.headers()));
        var request = ctx.request();
        String uri = request.uri();
        if (uri.length() > config.maxUriLength()) {
            problem(ctx, 414, "uri_too_long", "URI too long",
                    "The request target is longer than " + config.maxUriLength() + " characters.", null);
            return;
        }
        long headerBytes = 0;
        for (Map.Entry<String, String> h : request.headers()) {
            headerBytes += h.getKey().length() + h.getValue().length() + 4;
        }
        if (headerBytes > config.maxHeaderBytes()) {
            problem(ctx, 431, "headers_too_large", "Request header fields too large",
                    "The request headers are larger than " + config.maxHeaderBytes() + " bytes.", null);
            return;
        }
        String length = request.getHeader(HttpHeaders.CONTENT_LENGTH);
        if (length != null && length.length() < 19 && length.chars().allMatch(Character::isDigit)
                && Long.parseLong(length) > maxBody) {
            response.putHeader(HttpHeaders.CONNECTION, "close");
            problem(ctx, 413, "payload_too_large", "Payload too large",
                    "The request body is larger than " + maxBody + " bytes.", null);
            return;
        }
        String authorization = request.getHeader(HttpHeaders.AUTHORIZATION);
        String bearer = authorization != null && authorization.regionMatches(true, 0, "Bearer ", 0, 7)
                ? authorization.substring(7).strip()
                : null;
        if (bearer != null && ApiKeys.looksLikeKey(bearer) && ApiKeys.parse(bearer).isEmpty()) {
            response.putHeader("WWW-Authenticate", "Bearer error=\"invalid_token\"");
            problem(ctx, 401, "api_key_malformed", "Unauthenticated", "The API key is malformed: an Accrue key is "
                    + "acr_live_ or acr_test_ and 49 letters and digits, the last six a checksum.", null);
            return;
        }
        if (bearer != null && !ApiKeys.looksLikeKey(bearer) && !COMPACT_JWS.matcher(bearer).matches()) {
            response.putHeader("WWW-Authenticate", "Bearer error=\"invalid_token\"");
            problem(ctx, 401, "unauthenticated", "Unauthenticated", "A valid bearer token is required.", null);
            return;
        }
        String nulField = nulField(ctx);
        if (nulField != null) {
            problem(ctx, 400, "invalid_value", "Invalid value", "'" + nulField
                    + "' contains a NUL character, which cannot be stored.", nulField, "contains a NUL character");
            return;
        }
        String longField = overLongParameter(ctx, config.maxParameterLength());
        if (longField != null) {
            problem(ctx, 400, "value_too_long", "Value too long", "'" + longField + "' is longer than "
                    + config.maxParameterLength() + " characters.", longField,
                    "longer than " + config.maxParameterLength() + " characters");
            return;
        }
        ctx.next();
    }

    /** The query parameter (or "path") whose decoded value holds U+0000, or null. */
    private static String nulField(RoutingContext ctx) {
        String uri = ctx.request().uri();
        if (!uri.toLowerCase(Locale.ROOT).contains("%00") && uri.indexOf('\0') < 0) {
            return null;
        }
        int q = uri.indexOf('?');
        String path = q < 0 ? uri : uri.substring(0, q);
        if (path.toLowerCase(Locale.ROOT).contains("%00") || path.indexOf('\0') >= 0) {
            return "path";
        }
        try {
            MultiMap params = ctx.queryParams();
            for (Map.Entry<String, String> p : params) {
                if (p.getKey().indexOf('\0') >= 0 || p.getValue().indexOf('\0') >= 0) {
                    return p.getKey().replace("\0", "\\u0000");
                }
            }
        } catch (RuntimeException e) {
            return "query";
        }
        return "query";
    }

    /**
     * The query parameter (or "path") whose decoded value or name is longer than {@code max}, or null: no id, slug,
     * cursor or date of the API comes near it, and nothing longer reaches a route or the database.
     */
    static String overLongParameter(RoutingContext ctx, int max) {
        String uri = ctx.request().uri();
        if (uri.length() <= max) {
            return null;
        }
        int q = uri.indexOf('?');
        String path = q < 0 ? uri : uri.substring(0, q);
        for (String segment : path.split("/")) {
            if (segment.length() > max && decodedLength(segment) > max) {
                return "path";
            }
        }
        try {
            for (Map.Entry<String, String> p : ctx.queryParams()) {
                if (p.getKey().length() > max || p.getValue().length() > max) {
                    return p.getKey().length() > max ? "query" : p.getKey();
                }
            }
        } catch (RuntimeException e) {
            return q >= 0 && uri.length() - q > max ? "query" : null;
        }
        return null;
    }

    private static int decodedLength(String segment) {
        try {
            return java.net.URLDecoder.decode(segment.replace("+", "%2B"), java.nio.charset.StandardCharsets.UTF_8)
                    .length();
        } catch (IllegalArgumentException e) {
            return segment.length();
        }
    }

    private void securityHeaders(MultiMap headers) {
        headers.set("Strict-Transport-Security", config.strictTransportSecurity());
        headers.set("X-Content-Type-Options", "nosniff");
        headers.set("Referrer-Policy", "no-referrer");
        headers.set("X-Frame-Options", "DENY");
        // Answers carry account, usage and invoice data: no shared or browser cache keeps them.
        if (!headers.contains(HttpHeaders.CACHE_CONTROL)) {
            headers.set(HttpHeaders.CACHE_CONTROL, "no-store");
        }
    }

    private static void problem(RoutingContext ctx, int status, String code, String title, String detail,
            String field) {
        problem(ctx, status, code, title, detail, field, null);
    }

    private static void problem(RoutingContext ctx, int status, String code, String title, String detail,
            String field, String message) {
        JsonObject body = new JsonObject().put("type", "https://accrue.io/problems/" + code).put("title", title)
                .put("status", status).put("detail", detail).put("code", code);
        if (field != null) {
            body.put("violations", new JsonArray().add(new JsonObject().put("field", field).put("message",
                    message)));
        }
        HttpServerResponse response = ctx.response().setStatusCode(status).putHeader(HttpHeaders.CONTENT_TYPE,
                PROBLEM);
        if (status == 401 && !response.headers().contains("WWW-Authenticate")) {
            response.putHeader("WWW-Authenticate", "Bearer");
        }
        response.end(body.encode());
    }
}
