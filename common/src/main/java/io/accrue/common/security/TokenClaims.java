package io.accrue.common.security;

import java.util.List;
import java.util.Optional;

import jakarta.json.JsonArray;
import jakarta.json.JsonObject;
import jakarta.json.JsonString;

import org.eclipse.microprofile.jwt.JsonWebToken;

import io.quarkus.oidc.runtime.OidcJwtCallerPrincipal;

/** Reads a custom claim of a validated token as one string. */
public final class TokenClaims {

    private TokenClaims() {
    }

    /**
     * The claim's value, or its first element when it is an array (Keycloak maps a user attribute either to a string
     * or to a one-element array); empty when absent or blank.
     */
    public static Optional<String> string(JsonWebToken jwt, String name) {
        Object value = raw(jwt, name);
        if (value instanceof JsonArray array) {
            value = array.isEmpty() ? null : array.get(0);
        } else if (value instanceof List<?> list) {
            value = list.isEmpty() ? null : list.get(0);
        }
        if (value instanceof JsonString json) {
            value = json.getString();
        }
        if (value == null || value.toString().isBlank()) {
            return Optional.empty();
        }
        return Optional.of(value.toString().trim());
    }

    /**
     * Every value the claim names: a string is one, an array its elements, an object its keys (Keycloak
     * Organizations' {@code organization} claim with attributes is an object keyed by alias). Blank values are left
     * out; empty when the claim is absent.
     */
    public static List<String> values(JsonWebToken jwt, String name) {
        Object value = raw(jwt, name);
        java.util.Collection<?> many;
        if (value instanceof JsonObject object) {
            many = object.keySet();
        } else if (value instanceof java.util.Map<?, ?> map) {
            many = map.keySet();
        } else if (value instanceof java.util.Collection<?> collection) {
            many = collection;
        } else {
            many = value == null ? List.of() : List.of(value);
        }
        return many.stream().map(v -> v instanceof JsonString json ? json.getString() : String.valueOf(v))
                .map(String::trim).filter(v -> !v.isEmpty()).distinct().toList();
    }

    private static Object raw(JsonWebToken jwt, String name) {
        // JsonWebToken.getClaim(name) looks the name up as a standard-claim enum first and, for every custom claim
        // (org_id, environment, azp…), creates and throws an IllegalArgumentException before falling back: a stack
        // trace per claim per request on the hot path. quarkus-oidc's principal hands out the claim set directly.
        if (jwt instanceof OidcJwtCallerPrincipal oidc) {
            return oidc.getClaims().getClaimValue(name);
        }
        return jwt.getClaim(name);
    }
}
