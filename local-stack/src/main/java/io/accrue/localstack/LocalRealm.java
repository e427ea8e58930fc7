package io.accrue.localstack;

import java.io.IOException;
import java.io.InputStream;
import java.util.List;
import java.util.Optional;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * The demo users and machine clients of the local stack (local-realm.json): the one source of the realm. The local
 * provider serves it as it is; {@link KeycloakRealm} renders it for a real Keycloak.
 *
 * @param audience the audience every token meant for Accrue carries ({@code accrue}); the services check it
 */
@JsonIgnoreProperties(ignoreUnknown = true)
record LocalRealm(String realm, String audience, List<User> users, List<Client> clients) {

    @JsonIgnoreProperties(ignoreUnknown = true)
    record User(String username, String password, List<String> roles, @JsonProperty("org_id") String orgId) {}

    @JsonIgnoreProperties(ignoreUnknown = true)
    /**
     * @param outsideAccrue another application of the same realm: its tokens do not carry the Accrue audience, so
     *        the services refuse them whatever its roles
     */
    record Client(String clientId, String secret, @JsonProperty("public") boolean isPublic, List<String> roles,
            @JsonProperty("org_id") String orgId, String environment, List<String> redirectUris,
            boolean outsideAccrue) {

        public List<String> roles() {
            return roles == null ? List.of() : roles;
        }

        /** Exact match, or a prefix match for a registered URI ending in {@code *} (as Keycloak does). */
        boolean allowsRedirect(String uri) {
            return redirectUris != null && redirectUris.stream().anyMatch(
                    r -> r.endsWith("*") ? uri.startsWith(r.substring(0, r.length() - 1)) : uri.equals(r));
        }

        boolean authenticates(String givenSecret) {
            return isPublic || LocalOidcProvider.constantTimeEquals(secret, givenSecret);
        }
    }

    String name() {
        return realm;
    }

    Optional<User> user(String username) {
        return users.stream().filter(u -> u.username().equals(username)).findFirst();
    }

    Optional<Client> client(String clientId) {
        return clients.stream().filter(c -> c.clientId().equals(clientId)).findFirst();
    }

    /**
     * This realm with {@code consoleUrl/*} also allowed as the console's redirect URI, so a stack on a port offset
     * (console on 8085 + offset) can sign users in without editing local-realm.json.
     */
    LocalRealm withConsoleAt(String consoleUrl) {
        List<Client> adjusted = clients.stream().map(c -> {
            if (!c.clientId().equals("accrue-console") || c.allowsRedirect(consoleUrl + "/")) {
                return c;
            }
            List<String> uris = new java.util.ArrayList<>(c.redirectUris() == null ? List.of() : c.redirectUris());
            uris.add(consoleUrl + "/*");
            return new Client(c.clientId(), c.secret(), c.isPublic(), c.roles(), c.orgId(), c.environment(),
                    List.copyOf(uris), c.outsideAccrue());
        }).toList();
        return new LocalRealm(realm, audience, users, adjusted);
    }

    static LocalRealm load() throws IOException {
        try (InputStream in = LocalRealm.class.getResourceAsStream("/local-realm.json")) {
            return new ObjectMapper().readValue(in, LocalRealm.class);
        }
    }
}
