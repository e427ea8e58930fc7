package io.accrue.console.api;

import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.stream.Collectors;

import jakarta.enterprise.context.ApplicationScoped;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.accrue.console.session.Viewer;

/**
 * The one way the console talks to the services: JSON over HTTP with the signed-in user's access token, so every
 * role and organisation check happens in the service that owns the data (the console adds none it could get
 * wrong). Failures come back as {@link Problem}s; nothing here invents a value when a service is absent.
 */
@ApplicationScoped
public class ServiceApi {

    private final ConsoleConfig config;
    private final ObjectMapper json;
    private final Viewer viewer;
    private final HttpClient http;

    public ServiceApi(ConsoleConfig config, ObjectMapper json, Viewer viewer) {
        this.config = config;
        this.json = json;
        this.viewer = viewer;
        this.http = HttpClient.newBuilder().connectTimeout(config.callTimeout()).build();
    }

    /** Encodes one path segment, e.g. an organisation or invoice id taken from a URL. */
    public static String seg(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8).replace("+", "%20");
    }

    public ApiResult get(Service service, String path, Map<String, String> query) {
        return getAsync(service, path, query).join();
    }

    public ApiResult get(Service service, String path) {
        return get(service, path, Map.of());
    }

    /** Starts a GET now and answers later: pages that need several reads issue them side by side. */
    public CompletableFuture<ApiResult> getAsync(Service service, String path, Map<String, String> query) {
        HttpRequest request = request(service, path, query).GET().header("Accept", "application/json").build();
        return send(service, request);
    }

    public ApiResult post(Service service, String path, Object body) {
        return write(service, "POST", path, body);
    }

    public ApiResult put(Service service, String path, Object body) {
        return write(service, "PUT", path, body);
    }

    public ApiResult patch(Service service, String path, Object body) {
        return write(service, "PATCH", path, body);
    }

    public ApiResult delete(Service service, String path) {
        return write(service, "DELETE", path, null);
    }

    private ApiResult write(Service service, String method, String path, Object body) {
        try {
            HttpRequest.BodyPublisher publisher = body == null
                    ? HttpRequest.BodyPublishers.noBody()
                    : HttpRequest.BodyPublishers.ofByteArray(json.writeValueAsBytes(body));
            HttpRequest.Builder builder = request(service, path, Map.of()).method(method, publisher)
                    .header("Accept", "application/json");
            if (body != null) {
                builder.header("Content-Type", "application/json");
            }
            return send(service, builder.build()).join();
        } catch (IOException e) {
            return ApiResult.failed(Problem.of(400, "Bad request", "could not encode the request"));
        }
    }

    /** Fetches a file (PDF, export); a problem instead of bytes when the service refuses. */
    public Download download(Service service, String path, Map<String, String> query, String accept) {
        HttpRequest request = request(service, path, query).GET().header("Accept", accept).build();
        try {
            HttpResponse<byte[]> response = http.send(request, HttpResponse.BodyHandlers.ofByteArray());
            if (response.statusCode() / 100 == 2) {
                String type = response.headers().firstValue("Content-Type").orElse(accept);
                String disposition = response.headers().firstValue("Content-Disposition").orElse("");
                return new Download(response.body(), type, fileName(disposition), null);
            }
            return new Download(null, null, null, problemFrom(service, request, response.statusCode(),
                    response.body()));
        } catch (HttpTimeoutException e) {
            return new Download(null, null, null, Problem.unavailable(service, "timed out"));
        } catch (IOException e) {
            return new Download(null, null, null, Problem.unavailable(service, "not reachable"));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new Download(null, null, null, Problem.unavailable(service, "interrupted"));
        }
    }

    private HttpRequest.Builder request(Service service, String path, Map<String, String> query) {
        Map<String, String> params = new LinkedHashMap<>();
        query.forEach((k, v) -> {
            if (v != null && !v.isBlank()) {
                params.put(k, v);
            }
        });
        String qs = params.isEmpty()
                ? ""
                : "?" + params.entrySet().stream()
                        .map(e -> e.getKey() + "=" + URLEncoder.encode(e.getValue(), StandardCharsets.UTF_8))
                        .collect(Collectors.joining("&"));
        HttpRequest.Builder builder = HttpRequest.newBuilder(URI.create(baseUrl(service) + path + qs))
                .timeout(config.callTimeout());
        viewer.accessToken().ifPresent(token -> builder.header("Authorization", "Bearer " + token));
        return builder;
    }

    private CompletableFuture<ApiResult> send(Service service, HttpRequest request) {
        return http.sendAsync(request, HttpResponse.BodyHandlers.ofByteArray()).handle((response, error) -> {
            if (error != null) {
                Throwable cause = error.getCause() == null ? error : error.getCause();
                return ApiResult.failed(Problem.unavailable(service,
                        cause instanceof HttpTimeoutException ? "timed out" : "not reachable"));
            }
            if (response.statusCode() / 100 == 2) {
                return ApiResult.ok(response.statusCode(), parse(response.body()));
            }
            return ApiResult.failed(problemFrom(service, request, response.statusCode(), response.body()));
        });
    }

    private JsonNode parse(byte[] body) {
        if (body == null || body.length == 0) {
            return null;
        }
        try {
            return json.readTree(body);
        } catch (IOException e) {
            return null;
        }
    }

    /** The service's problem+json when it sent one; otherwise a plain problem naming the status. */
    private Problem problemFrom(Service service, HttpRequest request, int status, byte[] body) {
        JsonNode node = parse(body);
        if (node != null && node.isObject() && (node.has("title") || node.has("code"))) {
            List<String> violations = new ArrayList<>();
            for (JsonNode v : node.path("violations")) {
                String field = v.path("field").asText(v.path("path").asText(""));
                String message = v.path("message").asText(v.isTextual() ? v.asText() : "");
                violations.add(field.isEmpty() ? message : field + ": " + message);
            }
            return new Problem(node.path("status").asInt(status), node.path("title").asText(""),
                    node.path("detail").asText(""), node.path("code").asText(null), violations);
        }
        String detail = switch (status) {
            case 401 -> "Your session has expired: sign in again.";
            case 403 -> "Your role does not allow this.";
            case 404 -> service.label + " has nothing at " + request.uri().getPath() + ".";
            default -> service.label + " answered " + status + ".";
        };
        return Problem.of(status, switch (status) {
            case 401 -> "Unauthorized";
            case 403 -> "Forbidden";
            case 404 -> "Not Found";
            default -> "Request failed";
        }, detail);
    }

    private String baseUrl(Service service) {
        String url = switch (service) {
            case SUBSCRIPTION -> config.subscriptionUrl();
            case USAGE -> config.usageUrl();
            case INVOICE -> config.invoiceUrl();
            case CONTRACT -> config.contractUrl();
        };
        return url.endsWith("/") ? url.substring(0, url.length() - 1) : url;
    }

    private static String fileName(String disposition) {
        int at = disposition.indexOf("filename=");
        if (at < 0) {
            return null;
        }
        return disposition.substring(at + 9).replace("\"", "").trim();
    }
}
