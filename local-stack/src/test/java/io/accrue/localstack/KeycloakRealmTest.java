package io.accrue.localstack;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/** One realm source, rendered for Keycloak: the k8s local overlay's file is that rendering, and it is complete. */
class KeycloakRealmTest {

    static final Path OVERLAY_REALM = Path.of(System.getProperty("accrue.root", ".."))
            .resolve("deploy/k8s/overlays/local/keycloak-realm.yaml");

    @Test
    void theK8sLocalOverlayRealmIsTheRenderingOfTheLocalStackRealm() throws Exception {
        assertEquals(KeycloakRealm.renderConfigMap(LocalRealm.load()), Files.readString(OVERLAY_REALM),
                "deploy/k8s/overlays/local/keycloak-realm.yaml differs from local-realm.json: run"
                        + " local-stack/render-realm.sh");
    }

    @Test
    void everyUserAndClientOfTheSourceIsInTheRealmWithItsRolesAndClaims() throws Exception {
        LocalRealm source = LocalRealm.load();
        JsonNode realm = new ObjectMapper().readTree(KeycloakRealm.renderJson(source));
        for (LocalRealm.User user : source.users()) {
            JsonNode rendered = find(realm.get("users"), "username", user.username());
            assertTrue(strings(rendered.get("realmRoles")).containsAll(user.roles()), user.username());
            assertEquals(user.password(), rendered.at("/credentials/0/value").asText());
            assertEquals(user.orgId() == null ? "" : user.orgId(), rendered.at("/attributes/org_id/0").asText(""));
            // Keycloak's user profile requires them, or the password grant answers "Account is not fully set up"
            for (String required : List.of("email", "firstName", "lastName")) {
                assertFalse(rendered.path(required).asText().isBlank(), user.username() + " " + required);
            }
        }
        for (LocalRealm.Client client : source.clients()) {
            JsonNode rendered = find(realm.get("clients"), "clientId", client.clientId());
            assertEquals(client.isPublic(), rendered.get("publicClient").asBoolean());
            List<String> mappers = new ArrayList<>();
            rendered.get("protocolMappers").forEach(m -> mappers.add(m.get("protocolMapper").asText() + ":"
                    + m.at("/config/claim.name").asText(m.at("/config/included.custom.audience").asText())));
            assertEquals(!client.outsideAccrue(), mappers.contains("oidc-audience-mapper:accrue"), client.clientId());
            if (client.isPublic() || client.redirectUris() != null) {
                assertTrue(mappers.contains("oidc-usermodel-attribute-mapper:org_id"), client.clientId());
                continue;
            }
            JsonNode account = find(realm.get("users"), "serviceAccountClientId", client.clientId());
            assertEquals(client.roles(), strings(account.get("realmRoles")));
            assertEquals(client.orgId() != null, mappers.contains("oidc-hardcoded-claim-mapper:org_id"));
            assertEquals(client.environment() != null, mappers.contains("oidc-hardcoded-claim-mapper:environment"));
        }
    }

    @Test
    void onlyAdministratorsMayEditTheOrganisationOfAUser() throws Exception {
        JsonNode realm = new ObjectMapper().readTree(KeycloakRealm.renderJson(LocalRealm.load()));
        JsonNode profile = new ObjectMapper().readTree(realm
                .at("/components/org.keycloak.userprofile.UserProfileProvider/0/config/kc.user.profile.config/0")
                .asText());
        JsonNode org = find(profile.get("attributes"), "name", "org_id");
        assertEquals(List.of("admin"), strings(org.at("/permissions/edit")));
        // unmanaged attributes stay disabled: no policy that would let users add or edit attributes of their own
        assertTrue(profile.path("unmanagedAttributePolicy").isMissingNode(), profile.toString());
    }

    @Test
    void gatewaysExistPerOrganisationAndEnvironment() throws Exception {
        LocalRealm source = LocalRealm.load();
        for (String org : List.of("acme", "globex")) {
            for (String environment : List.of("live", "test")) {
                assertTrue(source.clients().stream().anyMatch(c -> org.equals(c.orgId())
                        && environment.equals(c.environment()) && c.roles().contains("usage-reporter")),
                        org + " " + environment);
            }
        }
    }

    private static JsonNode find(JsonNode array, String field, String value) {
        for (JsonNode node : array) {
            if (value.equals(node.path(field).asText())) {
                return node;
            }
        }
        throw new AssertionError("no " + field + "=" + value);
    }

    private static List<String> strings(JsonNode array) {
        List<String> values = new ArrayList<>();
        array.forEach(v -> values.add(v.asText()));
        return values;
    }
}
