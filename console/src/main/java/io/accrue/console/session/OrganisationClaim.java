package io.accrue.console.session;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Collection;
import java.util.Map;
import java.util.Optional;

import jakarta.json.JsonArray;
import jakarta.json.JsonObject;
import jakarta.json.JsonString;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * The organisation a token's claim names: a string, a one-element array (Keycloak's multivalued attribute mapper),
 * or a Keycloak Organizations claim (an array of aliases, or an object keyed by alias). Several organisations are no
 * organisation: the user must select one (Keycloak's {@code organization:<alias>} scope), never the first.
 */
final class OrganisationClaim {

    private static final ObjectMapper JSON = new ObjectMapper();

    private OrganisationClaim() {
    }

    static Optional<String> single(Object claim) {
        Object value = claim;
        if (value instanceof JsonObject object) {
            value = object.keySet();
        } else if (value instanceof Map<?, ?> map) {
            value = map.keySet();
        } else if (value instanceof JsonNode node && node.isObject()) {
            value = iterableToList(node.fieldNames());
        } else if (value instanceof JsonNode node && node.isArray()) {
            value = iterableToList(node.elements()).stream().map(JsonNode::asText).toList();
        } else if (value instanceof JsonNode node) {
            value = node.isNull() ? null : node.asText();
        }
        if (value instanceof JsonArray array) {
            value = array.stream().toList();
        }
        if (value instanceof Collection<?> many) {
            if (many.size() != 1) {
                return Optional.empty();
            }
            value = many.iterator().next();
        }
        if (value instanceof JsonString json) {
            value = json.getString();
        }
        if (value == null || value.toString().isBlank()) {
            return Optional.empty();
        }
        return Optional.of(value.toString().trim());
    }

    /** A claim of a JWT whose signature quarkus-oidc has verified already: only its payload is read here. */
    static Object claimOf(String jwt, String name) {
        String[] parts = jwt.split("\\.");
        if (parts.length != 3) {
            return null;
        }
        try {
            JsonNode payload = JSON
                    .readTree(new String(Base64.getUrlDecoder().decode(parts[1]), StandardCharsets.UTF_8));
            return payload.get(name);
        } catch (java.io.IOException | IllegalArgumentException e) {
            return null;
        }
    }

    private static <T> java.util.List<T> iterableToList(java.util.Iterator<T> items) {
        java.util.List<T> list = new java.util.ArrayList<>();
        items.forEachRemaining(list::add);
        return list;
    }
}
