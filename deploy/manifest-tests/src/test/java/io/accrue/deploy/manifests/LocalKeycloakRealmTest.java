package io.accrue.deploy.manifests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;

import io.accrue.deploy.kustomize.Tree;

/** The local overlay's Keycloak realm is valid JSON and has what the suite and docs/deploy.md rely on. */
class LocalKeycloakRealmTest {

    @Test
    void theRealmHasTheRolesAndTheBillingServiceClient() {
        Manifests local = Manifests.build("local");
        String json = Tree.str(local.get("ConfigMap", "keycloak-realm"), "data", "accrue-realm.json");
        // JSON is YAML: a strict JSON parser is not on this module's class path, SnakeYAML reads it the same way
        Map<String, Object> realm = Tree.map(new Yaml(new SafeConstructor(new LoaderOptions())).load(json));
        assertEquals("accrue", Tree.str(realm, "realm"));
        List<Object> roles = Tree.maps(realm, "roles", "realm").stream().map(r -> r.get("name")).map(Object.class::cast)
                .toList();
        assertTrue(roles.containsAll(List.of("platform-operator", "owner", "billing-admin", "member",
                "usage-reporter", "billing-service")), roles.toString());
        Map<String, Object> client = Tree.maps(realm, "clients").stream()
                .filter(c -> "accrue-billing-service".equals(Tree.str(c, "clientId"))).findFirst().orElseThrow();
        assertEquals(Boolean.TRUE, client.get("serviceAccountsEnabled"));
        Map<String, Object> serviceAccount = Tree.maps(realm, "users").stream()
                .filter(u -> "accrue-billing-service".equals(Tree.str(u, "serviceAccountClientId"))).findFirst()
                .orElseThrow();
        assertEquals(List.of("billing-service"), Tree.list(serviceAccount, "realmRoles"));
        // the issuer the services expect is the one Keycloak is told to issue for
        Map<String, Object> keycloak = Tree.maps(local.get("Deployment", "keycloak"), "spec", "template", "spec",
                "containers").get(0);
        String hostname = Tree.maps(keycloak, "env").stream().filter(e -> "KC_HOSTNAME".equals(Tree.str(e, "name")))
                .map(e -> Tree.str(e, "value")).findFirst().orElseThrow();
        assertEquals(hostname + "/realms/accrue",
                Tree.str(local.get("ConfigMap", "accrue-suite"), "data", "QUARKUS_OIDC_TOKEN_ISSUER"));
    }

    @Test
    void audienceIsCheckedInProductionAndTheLocalRealmGivesItsClientsThatAudience() {
        assertEquals("accrue",
                Tree.str(Manifests.build("production").get("ConfigMap", "accrue-suite"), "data",
                        "ACCRUE_OIDC_AUDIENCE"));
        Manifests local = Manifests.build("local");
        assertEquals("accrue", Tree.str(local.get("ConfigMap", "accrue-suite"), "data", "ACCRUE_OIDC_AUDIENCE"));
        String json = Tree.str(local.get("ConfigMap", "keycloak-realm"), "data", "accrue-realm.json");
        Map<String, Object> realm = Tree.map(new Yaml(new SafeConstructor(new LoaderOptions())).load(json));
        Map<String, Object> gateway = Tree.maps(realm, "clients").stream()
                .filter(c -> "acme-gateway-live".equals(Tree.str(c, "clientId"))).findFirst().orElseThrow();
        assertTrue(Tree.maps(gateway, "protocolMappers").stream()
                .anyMatch(m -> "oidc-audience-mapper".equals(Tree.str(m, "protocolMapper"))
                        && "accrue".equals(Tree.str(m, "config", "included.custom.audience"))),
                gateway.toString());
        // the demo users of docs/quickstart.md are there too, with the client they sign in with
        assertTrue(Tree.maps(realm, "users").stream().anyMatch(u -> "bob@acme".equals(Tree.str(u, "username"))));
        assertTrue(
                Tree.maps(realm, "clients").stream().anyMatch(c -> "accrue-console".equals(Tree.str(c, "clientId"))));
    }
}
