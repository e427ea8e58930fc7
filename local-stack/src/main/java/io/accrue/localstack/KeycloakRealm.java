package io.accrue.localstack;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.TreeSet;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * Renders the one realm source ({@link LocalRealm}, local-realm.json) as a Keycloak realm import: for
 * {@code bin/accrue-local --keycloak} and for the k8s local overlay (deploy/k8s/overlays/local/keycloak-realm.yaml,
 * written by {@link #main}). What Accrue needs from a Keycloak realm (docs/identity.md) is all here:
 * <ul>
 * <li>realm roles, which Keycloak's stock {@code roles} scope puts in the access token's {@code realm_access.roles};
 * <li>{@code org_id} from a user attribute that the user profile lets only administrators edit (a member who could set
 * it would read another organisation's data), mapped into the access token;
 * <li>per machine client a service account with its roles and hard-coded {@code org_id} / {@code environment};
 * <li>an audience mapper adding {@code accrue} to every token of a client meant for Accrue (the services check it).
 * </ul>
 */
final class KeycloakRealm {

    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    private KeycloakRealm() {
    }

    static ObjectNode render(LocalRealm source) {
        ObjectNode realm = JSON.createObjectNode();
        realm.put("realm", source.name());
        realm.put("enabled", true);
        realm.put("sslRequired", "external");
        // an hour, as the local provider: long end-to-end runs and demos reuse a token
        realm.put("accessTokenLifespan", (int) LocalOidcProvider.TOKEN_LIFETIME_SECONDS);
        realm.put("registrationAllowed", false);
        realm.put("editUsernameAllowed", false);
        ArrayNode roles = realm.putObject("roles").putArray("realm");
        TreeSet<String> roleNames = new TreeSet<>();
        source.users().forEach(u -> roleNames.addAll(u.roles()));
        source.clients().forEach(c -> roleNames.addAll(c.roles()));
        roleNames.forEach(name -> roles.addObject().put("name", name));
        realm.set("components", userProfile());

        ArrayNode clients = realm.putArray("clients");
        ArrayNode users = realm.putArray("users");
        for (LocalRealm.Client client : source.clients()) {
            clients.add(client(client, source.audience()));
            if (!client.isPublic() && client.redirectUris() == null) {
                users.add(serviceAccount(client));
            }
        }
        for (LocalRealm.User user : source.users()) {
            users.add(user(user, source.name()));
        }
        return realm;
    }

    private static ObjectNode client(LocalRealm.Client c, String audience) {
        ObjectNode client = JSON.createObjectNode();
        client.put("clientId", c.clientId());
        client.put("enabled", true);
        client.put("protocol", "openid-connect");
        client.put("publicClient", c.isPublic());
        boolean browser = c.redirectUris() != null;
        boolean machine = !c.isPublic() && !browser;
        if (!c.isPublic()) {
            client.put("clientAuthenticatorType", "client-secret");
            client.put("secret", c.secret());
        }
        client.put("standardFlowEnabled", browser);
        // the password grant only for the public CLI client of the demo users (bin/token, bin/demo, tests)
        client.put("directAccessGrantsEnabled", c.isPublic());
        client.put("serviceAccountsEnabled", machine);
        client.put("implicitFlowEnabled", false);
        if (browser) {
            ArrayNode uris = client.putArray("redirectUris");
            c.redirectUris().forEach(uris::add);
            // "+": the same URIs are allowed after sign-out
            client.putObject("attributes").put("post.logout.redirect.uris", "+");
        }
        ArrayNode mappers = client.putArray("protocolMappers");
        if (audience != null && !c.outsideAccrue()) {
            ObjectNode config = mapper(mappers, "accrue audience", "oidc-audience-mapper");
            config.put("included.custom.audience", audience);
            config.put("access.token.claim", "true");
            config.put("id.token.claim", "false");
        }
        if (machine) {
            hardcoded(mappers, "org_id", c.orgId());
            hardcoded(mappers, "environment", c.environment());
        } else {
            ObjectNode config = mapper(mappers, "org_id", "oidc-usermodel-attribute-mapper");
            config.put("user.attribute", "org_id");
            config.put("claim.name", "org_id");
            config.put("jsonType.label", "String");
            config.put("access.token.claim", "true");
            config.put("id.token.claim", "false");
            config.put("userinfo.token.claim", "true");
        }
        return client;
    }

    private static void hardcoded(ArrayNode mappers, String claim, String value) {
        if (value == null) {
            return;
        }
        ObjectNode config = mapper(mappers, claim, "oidc-hardcoded-claim-mapper");
        config.put("claim.name", claim);
        config.put("claim.value", value);
        config.put("jsonType.label", "String");
        config.put("access.token.claim", "true");
        config.put("id.token.claim", "false");
    }

    private static ObjectNode mapper(ArrayNode mappers, String name, String type) {
        ObjectNode mapper = mappers.addObject();
        mapper.put("name", name);
        mapper.put("protocol", "openid-connect");
        mapper.put("protocolMapper", type);
        return mapper.putObject("config");
    }

    private static ObjectNode serviceAccount(LocalRealm.Client c) {
        ObjectNode user = JSON.createObjectNode();
        user.put("username", "service-account-" + c.clientId());
        user.put("enabled", true);
        user.put("serviceAccountClientId", c.clientId());
        ArrayNode roles = user.putArray("realmRoles");
        c.roles().forEach(roles::add);
        return user;
    }

    private static ObjectNode user(LocalRealm.User u, String realmName) {
        ObjectNode user = JSON.createObjectNode();
        user.put("username", u.username());
        user.put("enabled", true);
        // Keycloak's user profile requires these; without them a password grant answers "Account is not fully set up"
        String name = u.username().contains("@")
                ? u.username().substring(0, u.username().indexOf('@'))
                : u.username();
        user.put("email", name + "@" + (u.orgId() == null ? "accrue" : u.orgId()) + ".example");
        user.put("emailVerified", true);
        user.put("firstName", name.substring(0, 1).toUpperCase(Locale.ROOT) + name.substring(1));
        user.put("lastName", u.orgId() == null ? "Accrue" : u.orgId());
        ObjectNode credential = user.putArray("credentials").addObject();
        credential.put("type", "password");
        credential.put("value", u.password());
        credential.put("temporary", false);
        ArrayNode roles = user.putArray("realmRoles");
        u.roles().forEach(roles::add);
        // every user has the realm's default roles too (the account console needs manage-account)
        roles.add("default-roles-" + realmName);
        if (u.orgId() != null) {
            user.putObject("attributes").putArray("org_id").add(u.orgId());
        }
        return user;
    }

    /**
     * The declarative user profile: Keycloak's four default attributes plus {@code org_id}, which users may see but
     * only administrators may edit. Unmanaged attributes stay disabled (Keycloak's default, no
     * {@code unmanagedAttributePolicy}), so a user cannot add any other attribute either.
     */
    private static ObjectNode userProfile() {
        ObjectNode profile = JSON.createObjectNode();
        ArrayNode attributes = profile.putArray("attributes");
        ObjectNode username = attribute(attributes, "username", "${username}", true);
        username.putObject("validations").putObject("length").put("min", 3).put("max", 255);
        ((ObjectNode) username.get("validations")).putObject("username-prohibited-characters");
        ((ObjectNode) username.get("validations")).putObject("up-username-not-idn-homograph");
        ObjectNode email = attribute(attributes, "email", "${email}", true);
        email.putObject("validations").putObject("email");
        ((ObjectNode) email.get("validations")).putObject("length").put("max", 255);
        email.putObject("required").putArray("roles").add("user");
        for (String name : List.of("firstName", "lastName")) {
            ObjectNode person = attribute(attributes, name, "${" + name + "}", true);
            person.putObject("validations").putObject("length").put("max", 255);
            ((ObjectNode) person.get("validations")).putObject("person-name-prohibited-characters");
            person.putObject("required").putArray("roles").add("user");
        }
        ObjectNode org = attribute(attributes, "org_id", "Organisation", false);
        org.putObject("validations").putObject("length").put("max", 64);
        ArrayNode groups = profile.putArray("groups");
        groups.addObject().put("name", "user-metadata").put("displayHeader", "User metadata")
                .put("displayDescription", "Attributes, which refer to user metadata");

        ObjectNode components = JSON.createObjectNode();
        ObjectNode provider = components.putArray("org.keycloak.userprofile.UserProfileProvider").addObject();
        provider.put("providerId", "declarative-user-profile");
        provider.putObject("subComponents");
        try {
            provider.putObject("config").putArray("kc.user.profile.config")
                    .add(new ObjectMapper().writeValueAsString(profile));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
        return components;
    }

    private static ObjectNode attribute(ArrayNode attributes, String name, String display, boolean userEdits) {
        ObjectNode attribute = attributes.addObject();
        attribute.put("name", name);
        attribute.put("displayName", display);
        ObjectNode permissions = attribute.putObject("permissions");
        permissions.putArray("view").add("admin").add("user");
        ArrayNode edit = permissions.putArray("edit").add("admin");
        if (userEdits) {
            edit.add("user");
        }
        attribute.put("multivalued", false);
        return attribute;
    }

    /** The realm as a pretty-printed JSON document. */
    static String renderJson(LocalRealm source) {
        try {
            return JSON.writeValueAsString(render(source)) + "\n";
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The k8s local overlay's ConfigMap holding the rendered realm (what {@link #main} writes). */
    static String renderConfigMap(LocalRealm source) {
        List<String> lines = new ArrayList<>();
        lines.add("# GENERATED from local-stack/src/main/resources/local-realm.json by local-stack/render-realm.sh:");
        lines.add("# edit the source and render again (KeycloakRealmTest fails while the two disagree). The same");
        lines.add("# demo users, clients and secrets as the local stack; for throwaway clusters only.");
        lines.add("apiVersion: v1");
        lines.add("kind: ConfigMap");
        lines.add("metadata:");
        lines.add("  name: keycloak-realm");
        lines.add("  labels:");
        lines.add("    app.kubernetes.io/name: keycloak");
        lines.add("data:");
        lines.add("  accrue-realm.json: |");
        for (String line : renderJson(source).split("\n")) {
            lines.add("    " + line);
        }
        return String.join("\n", lines) + "\n";
    }

    /** Writes the k8s local overlay's realm ConfigMap: {@code KeycloakRealm <path of keycloak-realm.yaml>}. */
    public static void main(String[] args) throws IOException {
        Path target = Path.of(args.length > 0 ? args[0] : "deploy/k8s/overlays/local/keycloak-realm.yaml");
        Files.writeString(target, renderConfigMap(LocalRealm.load()));
        System.out.println("wrote " + target);
    }
}
