package io.accrue.testing;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * Reads a service's {@code /q/openapi} and lists every string a client can send without a published maximum: a
 * request-body property (at any depth, in arrays and maps too) or a path, query or header parameter whose schema is a
 * string without {@code maxLength}. docs/api-limits.md states the rule: every string the API accepts is bounded.
 */
public final class OpenApiLimits {

    private static final Set<String> METHODS = Set.of("get", "post", "put", "patch", "delete");

    private OpenApiLimits() {
    }

    /** One string a client sends: operation, where it travels (path, query, header, body), its name, its maximum. */
    public record Limit(String operation, String in, String field, Integer maxLength) {
        /** This limit as a row of the table in docs/api-limits.md. */
        public String row(String service) {
            return "| " + service + " | `" + operation + "` | " + in + " | `" + field + "` | " + maxLength + " |";
        }
    }

    /** Each unbounded string as {@code "POST /v1/... body: field.sub"} or {@code "GET /v1/... query: name"}. */
    public static List<String> unboundedStrings(JsonNode api) {
        return strings(api).stream().filter(l -> l.maxLength() == null)
                .map(l -> l.operation() + " " + l.in() + ": " + l.field()).toList();
    }

    /** The rows of docs/api-limits.md this document's bounded strings make. */
    public static List<String> rows(JsonNode api) {
        String service = api.path("info").path("title").asText().replaceFirst("^Accrue ", "");
        return strings(api).stream().filter(l -> l.maxLength() != null).map(l -> l.row(service)).distinct()
                .toList();
    }

    /** Every string a client can send, at any depth of a body, with its published maxLength (or null). */
    public static List<Limit> strings(JsonNode api) {
        JsonNode components = api.path("components").path("schemas");
        List<Limit> out = new ArrayList<>();
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
                String where = op.getKey().toUpperCase() + " " + path.getKey();
                List<JsonNode> parameters = new ArrayList<>();
                path.getValue().path("parameters").forEach(parameters::add);
                op.getValue().path("parameters").forEach(parameters::add);
                for (JsonNode p : parameters) {
                    JsonNode schema = resolve(components, p.path("schema"));
                    if (isString(schema)) {
                        out.add(new Limit(where, p.path("in").asText(), p.path("name").asText(), max(schema)));
                    }
                }
                for (Iterator<Map.Entry<String, JsonNode>> media = op.getValue().path("requestBody").path("content")
                        .fields(); media.hasNext();) {
                    walk(components, media.next().getValue().path("schema"), "", where, out, new HashSet<>());
                }
            }
        }
        return out;
    }

    private static void walk(JsonNode components, JsonNode schema, String field, String where, List<Limit> out,
            Set<String> seen) {
        if (schema.has("$ref") && !seen.add(schema.get("$ref").asText() + "@" + field)) {
            return;
        }
        if (seen.size() > 500) {
            return;
        }
        schema = resolve(components, schema);
        for (String combinator : List.of("allOf", "oneOf", "anyOf")) {
            schema.path(combinator).forEach(s -> walk(components, s, field, where, out, seen));
        }
        if (isString(schema)) {
            out.add(new Limit(where, "body", field.isEmpty() ? "$" : field, max(schema)));
        }
        for (Iterator<Map.Entry<String, JsonNode>> props = schema.path("properties").fields(); props.hasNext();) {
            Map.Entry<String, JsonNode> p = props.next();
            walk(components, p.getValue(), field.isEmpty() ? p.getKey() : field + "." + p.getKey(), where, out,
                    seen);
        }
        if (schema.has("items")) {
            walk(components, schema.get("items"), field + "[]", where, out, seen);
        }
        if (schema.path("additionalProperties").isObject()) {
            walk(components, schema.get("additionalProperties"), field + "{}", where, out, seen);
        }
    }

    private static Integer max(JsonNode schema) {
        return schema.has("maxLength") ? schema.get("maxLength").asInt() : null;
    }

    private static JsonNode resolve(JsonNode components, JsonNode schema) {
        for (int i = 0; i < 10 && schema.has("$ref"); i++) {
            String ref = schema.get("$ref").asText();
            schema = components.path(ref.substring(ref.lastIndexOf('/') + 1));
        }
        return schema;
    }

    private static boolean isString(JsonNode schema) {
        JsonNode type = schema.path("type");
        if (type.isArray()) {
            for (JsonNode t : type) {
                if ("string".equals(t.asText())) {
                    return true;
                }
            }
            return false;
        }
        return "string".equals(type.asText());
    }
}
