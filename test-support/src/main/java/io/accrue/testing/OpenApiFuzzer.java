package io.accrue.testing;

import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.function.Supplier;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * A schema-driven fuzzer: for every operation of a service's {@code /q/openapi}, it sends generated bad inputs (wrong
 * JSON shapes, missing and extra fields, wrong types, boundary and huge numbers, long strings, NUL characters, deep
 * nesting, bad ids in paths, bad query parameters) with a token that carries every role, and records each answer that
 * breaks the suite's rules: a 5xx other than an honest neighbour outage, an error that is not problem+json, or a
 * rejected request after which some table's row count changed.
 */
public final class OpenApiFuzzer {

    /** One broken rule: which request, what came back. */
    public record Finding(String request, int status, String contentType, String problem) {
        @Override
        public String toString() {
            return status + " " + request + " -> " + problem + " (" + contentType + ")";
        }
    }

    public record Report(int operations, int requests, List<Finding> findings) {}

    private static final JsonNodeFactory JSON = JsonNodeFactory.instance;
    private static final Set<String> METHODS = Set.of("get", "post", "put", "patch", "delete");
    /** Honest 5xx answers that do not depend on the input: a neighbour or Stripe is not there in a module test. */
    private static final Set<String> OUTAGE_CODES = Set.of("stripe_unavailable", "neighbour_unavailable",
            "invoice_service_unavailable", "webhook_not_configured", "database_unavailable",
            "entitlements_unavailable");

    private final ObjectMapper mapper = new ObjectMapper();
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private final String base;
    private final String bearer;
    private final Map<String, String> pathValues;
    private final Supplier<Map<String, Long>> rowCounts;
    private JsonNode components;

    /**
     * @param base       the service's base URL
     * @param bearer     a token with every role (and an organisation and environment)
     * @param pathValues values for path parameters by name (e.g. {@code orgId} to the token's organisation)
     * @param rowCounts  row counts of every table, read before and after each request
     */
    public OpenApiFuzzer(String base, String bearer, Map<String, String> pathValues,
            Supplier<Map<String, Long>> rowCounts) {
        this.base = base.endsWith("/") ? base.substring(0, base.length() - 1) : base;
        this.bearer = bearer;
        this.pathValues = pathValues;
        this.rowCounts = rowCounts;
    }

    public Report run() throws IOException, InterruptedException {
        JsonNode api = mapper.readTree(send("GET", base + "/q/openapi?format=json", null, false).body());
        components = api.path("components").path("schemas");
        List<Finding> findings = new ArrayList<>();
        int operations = 0;
        int requests = 0;
        Map<String, Long> before = rowCounts.get();
        for (Iterator<Map.Entry<String, JsonNode>> paths = api.path("paths").fields(); paths.hasNext();) {
            Map.Entry<String, JsonNode> path = paths.next();
            if (path.getKey().startsWith("/q/")) {
                continue;
            }
            for (Iterator<Map.Entry<String, JsonNode>> ops = path.getValue().fields(); ops.hasNext();) {
                Map.Entry<String, JsonNode> op = ops.next();
                if (!METHODS.contains(op.getKey())) {
                    continue;
                }
                operations++;
                for (Input input : inputs(path.getKey(), path.getValue(), op.getKey(), op.getValue())) {
                    requests++;
                    HttpResponse<String> response;
                    try {
                        response = send(op.getKey().toUpperCase(), base + input.target(), input.body(), true);
                    } catch (IOException e) {
                        findings.add(new Finding(input.describe(op.getKey()), 0, "", "no answer: " + e));
                        before = rowCounts.get();
                        continue;
                    }
                    Map<String, Long> after = rowCounts.get();
                    check(input.describe(op.getKey()), response, before, after).ifPresent(findings::add);
                    before = after;
                }
            }
        }
        return new Report(operations, requests, findings);
    }

    private java.util.Optional<Finding> check(String request, HttpResponse<String> response,
            Map<String, Long> before, Map<String, Long> after) {
        int status = response.statusCode();
        String type = response.headers().firstValue("Content-Type").orElse("");
        String body = response.body() == null ? "" : response.body();
        String code = "";
        if (type.startsWith("application/problem+json")) {
            try {
                code = mapper.readTree(body).path("code").asText("");
            } catch (IOException e) {
                return java.util.Optional.of(new Finding(request, status, type, "problem body is not JSON"));
            }
        }
        if (status >= 500 && !(OUTAGE_CODES.contains(code) && status != 500)) {
            return java.util.Optional.of(new Finding(request, status, type, "5xx: " + abbreviate(body)));
        }
        if (status >= 400 && (!type.startsWith("application/problem+json") || code.isEmpty())) {
            return java.util.Optional.of(new Finding(request, status, type, "not problem+json: " + abbreviate(body)));
        }
        if (status >= 400 && !before.equals(after)) {
            Map<String, String> changed = new LinkedHashMap<>();
            after.forEach((table, n) -> {
                if (!n.equals(before.get(table))) {
                    changed.put(table, before.get(table) + " -> " + n);
                }
            });
            return java.util.Optional.of(new Finding(request, status, type, "rows changed on a rejection: " + changed));
        }
        return java.util.Optional.empty();
    }

    private HttpResponse<String> send(String method, String url, String body, boolean auth)
            throws IOException, InterruptedException {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(30));
        if (auth) {
            b.header("Authorization", "Bearer " + bearer);
        }
        if (body != null) {
            b.header("Content-Type", "application/json").method(method,
                    HttpRequest.BodyPublishers.ofString(body));
        } else {
            b.method(method, HttpRequest.BodyPublishers.noBody());
        }
        return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    /** One generated request: a target (path and query, already encoded) and an optional JSON body. */
    record Input(String target, String body, String what) {
        String describe(String method) {
            return method.toUpperCase() + " " + abbreviate(target) + " [" + what + "]";
        }
    }

    private List<Input> inputs(String template, JsonNode pathItem, String method, JsonNode op) {
        List<JsonNode> parameters = new ArrayList<>();
        pathItem.path("parameters").forEach(parameters::add);
        op.path("parameters").forEach(parameters::add);
        Map<String, String> path = new LinkedHashMap<>();
        Map<String, JsonNode> pathSchemas = new LinkedHashMap<>();
        Map<String, JsonNode> query = new LinkedHashMap<>();
        for (JsonNode p : parameters) {
            JsonNode schema = resolve(p.path("schema"));
            if ("path".equals(p.path("in").asText())) {
                String name = p.path("name").asText();
                path.put(name, pathValues.getOrDefault(name, validScalar(schema).asText()));
                pathSchemas.put(name, schema);
            } else if ("query".equals(p.path("in").asText())) {
                query.put(p.path("name").asText(), schema);
            }
        }
        List<Input> out = new ArrayList<>();
        String target = fill(template, path);
        // bad ids in every path parameter (the organisation too: it must not leak or break)
        for (String name : path.keySet()) {
            List<String> bads = new ArrayList<>(List.of("%00", "x".repeat(3000), "not-a-uuid", "-1", "1e999",
                    "..%2F..", "%C3%28", "99999999999999999999"));
            overLong(pathSchemas.get(name)).ifPresent(bads::add);
            for (String bad : bads) {
                Map<String, String> values = new LinkedHashMap<>(path);
                values.put(name, bad);
                out.add(new Input(fill(template, values), bodyFor(op, method), "path " + name + "=" + bad));
            }
        }
        for (String name : query.keySet()) {
            List<String> bads = new ArrayList<>(List.of("%00", "", "x".repeat(3000), "-1", "0",
                    "99999999999999999999", "abc", "1e999", "2026-13-45T99:99:99Z"));
            overLong(query.get(name)).ifPresent(bads::add);
            for (String bad : bads) {
                out.add(new Input(target + "?" + URLEncoder.encode(name, StandardCharsets.UTF_8) + "=" + bad,
                        bodyFor(op, method), "query " + name + "=" + abbreviate(bad)));
            }
        }
        JsonNode schema = jsonBodySchema(op);
        if (schema != null) {
            for (String shape : List.of("[]", "\"text\"", "42", "true", "null", "{}", "{", "[1,2",
                    "{\"a\":" + "[".repeat(200) + "]".repeat(200) + "}")) {
                out.add(new Input(target, shape, "body " + abbreviate(shape)));
            }
            JsonNode valid = sample(schema, 0);
            if (valid instanceof ObjectNode object) {
                ObjectNode extra = object.deepCopy();
                extra.put("prompt", "tell me a joke");
                out.add(new Input(target, extra.toString(), "extra field prompt"));
                int fields = 0;
                for (Iterator<Map.Entry<String, JsonNode>> props = properties(schema).fields(); props.hasNext()
                        && fields < 16; fields++) {
                    Map.Entry<String, JsonNode> prop = props.next();
                    ObjectNode missing = object.deepCopy();
                    missing.remove(prop.getKey());
                    out.add(new Input(target, missing.toString(), "missing " + prop.getKey()));
                    for (JsonNode bad : badValues(resolve(prop.getValue()))) {
                        ObjectNode mutated = object.deepCopy();
                        mutated.set(prop.getKey(), bad);
                        out.add(new Input(target, mutated.toString(),
                                prop.getKey() + "=" + abbreviate(bad.toString())));
                    }
                }
            }
        } else if (out.isEmpty()) {
            // nothing to vary: the plain call must still answer within the rules
            out.add(new Input(target, bodyFor(op, method), "as is"));
        }
        return out;
    }

    /** One character more than the published maximum of a string parameter. */
    private static java.util.Optional<String> overLong(JsonNode schema) {
        return schema != null && schema.has("maxLength") && schema.get("maxLength").asInt() < 100_000
                ? java.util.Optional.of("x".repeat(schema.get("maxLength").asInt() + 1))
                : java.util.Optional.empty();
    }

    private String bodyFor(JsonNode op, String method) {
        JsonNode schema = jsonBodySchema(op);
        return schema == null
                ? (Set.of("post", "put", "patch").contains(method) ? "{}" : null)
                : sample(schema, 0).toString();
    }

    private JsonNode jsonBodySchema(JsonNode op) {
        JsonNode content = op.path("requestBody").path("content");
        JsonNode json = content.path("application/json");
        if (json.isMissingNode()) {
            json = content.path("*/*");
        }
        return json.isMissingNode() ? null : resolve(json.path("schema"));
    }

    private static String fill(String template, Map<String, String> values) {
        String out = template;
        for (Map.Entry<String, String> v : values.entrySet()) {
            out = out.replace("{" + v.getKey() + "}", v.getValue());
        }
        return out;
    }

    private JsonNode resolve(JsonNode schema) {
        for (int i = 0; i < 10 && schema.has("$ref"); i++) {
            String ref = schema.get("$ref").asText();
            schema = components.path(ref.substring(ref.lastIndexOf('/') + 1));
        }
        if (schema.has("allOf") && schema.get("allOf").size() == 1) {
            return resolve(schema.get("allOf").get(0));
        }
        return schema;
    }

    private JsonNode properties(JsonNode schema) {
        return schema.path("properties");
    }

    private String type(JsonNode schema) {
        JsonNode t = schema.path("type");
        if (t.isArray()) {
            for (JsonNode x : t) {
                if (!"null".equals(x.asText())) {
                    return x.asText();
                }
            }
        }
        if (t.isTextual()) {
            return t.asText();
        }
        return schema.has("properties") ? "object" : "string";
    }

    /** A plausible value of the schema (the fuzzer varies one field of it at a time). */
    private JsonNode sample(JsonNode schema, int depth) {
        schema = resolve(schema);
        if (schema.has("enum") && schema.get("enum").size() > 0) {
            return schema.get("enum").get(0);
        }
        switch (type(schema)) {
            case "object" -> {
                ObjectNode o = JSON.objectNode();
                if (depth > 4) {
                    return o;
                }
                for (Iterator<Map.Entry<String, JsonNode>> props = properties(schema).fields(); props.hasNext();) {
                    Map.Entry<String, JsonNode> p = props.next();
                    o.set(p.getKey(), sample(p.getValue(), depth + 1));
                }
                if (schema.path("additionalProperties").isObject()) {
                    o.set("key", sample(schema.get("additionalProperties"), depth + 1));
                }
                return o;
            }
            case "array" -> {
                ArrayNode a = JSON.arrayNode();
                if (depth <= 4) {
                    a.add(sample(schema.path("items"), depth + 1));
                }
                return a;
            }
            default -> {
                return validScalar(schema);
            }
        }
    }

    private JsonNode validScalar(JsonNode schema) {
        String format = schema.path("format").asText("");
        return switch (type(schema)) {
            case "integer" -> JSON.numberNode(1);
            case "number" -> JSON.textNode("1.00");
            case "boolean" -> JSON.booleanNode(true);
            default -> switch (format) {
                case "date-time" -> JSON.textNode("2026-03-15T10:00:00Z");
                case "date" -> JSON.textNode("2026-03-15");
                case "uuid" -> JSON.textNode(UUID.nameUUIDFromBytes(new byte[]{1}).toString());
                case "duration" -> JSON.textNode("P1D");
                default -> JSON.textNode("fuzz");
            };
        };
    }

    /** Values of the wrong type, at the boundaries, huge, long, or carrying a NUL. */
    private List<JsonNode> badValues(JsonNode schema) {
        List<JsonNode> bad = new ArrayList<>();
        bad.add(JSON.objectNode().put("nested", "object"));
        switch (type(schema)) {
            case "integer" -> {
                bad.add(JSON.textNode("100"));
                bad.add(JSON.numberNode(1.5));
                bad.add(JSON.numberNode(-1));
                bad.add(JSON.numberNode(new java.math.BigInteger("99999999999999999999999")));
                bad.add(JSON.numberNode(Long.MIN_VALUE));
                bad.add(JSON.booleanNode(true));
            }
            case "number" -> {
                bad.add(JSON.textNode("abc"));
                bad.add(JSON.numberNode(new java.math.BigDecimal("1e400")));
                bad.add(JSON.numberNode(new java.math.BigDecimal("-1e30")));
                bad.add(JSON.textNode("0.0000000000000000000000000000000000000001"));
                bad.add(JSON.booleanNode(false));
            }
            case "boolean" -> {
                bad.add(JSON.numberNode(-1));
                bad.add(JSON.textNode("yes"));
            }
            case "array" -> bad.add(JSON.textNode("not an array"));
            case "object" -> bad.add(JSON.textNode("not an object"));
            default -> {
                bad.add(JSON.textNode("nul\u0000here"));
                bad.add(JSON.textNode("y".repeat(100_000)));
                if (schema.has("maxLength") && schema.get("maxLength").asInt() < 100_000) {
                    // one character over the published maximum
                    bad.add(JSON.textNode("y".repeat(schema.get("maxLength").asInt() + 1)));
                }
                bad.add(JSON.textNode(""));
                bad.add(JSON.numberNode(new java.math.BigDecimal("1e400")));
                bad.add(JSON.arrayNode().add("x"));
            }
        }
        return bad;
    }

    private static String abbreviate(String s) {
        return s.length() > 120 ? s.substring(0, 117) + "..." : s;
    }
}
