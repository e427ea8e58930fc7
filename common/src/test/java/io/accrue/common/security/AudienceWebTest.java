package io.accrue.common.security;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.logging.Handler;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import io.accrue.testing.OidcKeysResource;
import io.accrue.testing.TestTokens;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;

/**
 * With an audience required (ACCRUE_OIDC_AUDIENCE, on in the production overlay), a token of another client of the
 * same realm is refused, and the log says why; so does a token of another issuer.
 */
@QuarkusTest
@QuarkusTestResource(OidcKeysResource.class)
@TestProfile(AudienceWebTest.AccrueAudience.class)
class AudienceWebTest {

    public static class AccrueAudience implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() { return Map.of("quarkus.oidc.token.audience", "accrue"); }
    }

    private final List<String> logged = new CopyOnWriteArrayList<>();
    private final Handler capture = new Handler() {
        @Override
        public void publish(LogRecord record) {
            logged.add(record.getMessage());
        }

        @Override
        public void flush() {
        }

        @Override
        public void close() {
        }
    };

    @BeforeEach
    void listen() {
        Logger.getLogger(TokenRefusals.class.getName()).addHandler(capture);
    }

    @AfterEach
    void stopListening() {
        Logger.getLogger(TokenRefusals.class.getName()).removeHandler(capture);
    }

    @Test
    void aTokenForAccrueIsAccepted() {
        given().auth().oauth2(TestTokens.as(Roles.OWNER).org("a").audience("accrue", "account").token())
                .get("/test/orgs/a/widgets").then().statusCode(200);
    }

    @Test
    void aTokenOfAnotherClientOfTheRealmIsRefusedAndTheLogSaysWhy() {
        given().auth().oauth2(TestTokens.as(Roles.OWNER).org("a").audience("account").client("reports-app").token())
                .get("/test/orgs/a/widgets").then().statusCode(401).body("code", equalTo("unauthenticated"));
        given().auth().oauth2(TestTokens.as(Roles.OWNER).org("a").client("no-audience-app").token())
                .get("/test/orgs/a/widgets").then().statusCode(401);
        // the log line is written synchronously, while the request is refused
        assertTrue(logged.stream().anyMatch(
                l -> l.contains("audience [account] does not include 'accrue' (client reports-app)")),
                logged.toString());
        assertTrue(logged.stream().anyMatch(l -> l.contains("audience [] does not include 'accrue'")),
                logged.toString());
    }

    @Test
    void aTokenOfAnotherIssuerIsRefusedAndTheLogNamesBothIssuers() {
        given().auth().oauth2(TestTokens.as(Roles.OWNER).org("a").audience("accrue")
                .issuer("http://localhost:8180/realms/accrue").client("acme-gateway-live").token())
                .get("/test/orgs/a/widgets").then().statusCode(401);
        assertTrue(logged.stream().anyMatch(
                l -> l.contains("issuer 'http://localhost:8180/realms/accrue' is not the expected '"
                        + OidcKeysResource.ISSUER + "' (client acme-gateway-live)")),
                logged.toString());
    }

    @Test
    void severalOrganisationsWithoutOneSelectedActForNone() {
        // Keycloak Organizations: the claim lists every organisation the user is a member of
        String both = TestTokens.as(Roles.OWNER).audience("accrue").claim("org_id", List.of("a", "b")).token();
        given().auth().oauth2(both).get("/test/orgs/a/widgets").then().statusCode(403)
                .body("code", equalTo("organisation_ambiguous"));
        given().auth().oauth2(both).get("/test/orgs/b/widgets").then().statusCode(403);
        String selected = TestTokens.as(Roles.OWNER).audience("accrue").claim("org_id", List.of("a")).token();
        given().auth().oauth2(selected).get("/test/orgs/a/widgets").then().statusCode(200);
        given().auth().oauth2(selected).get("/test/orgs/b/widgets").then().statusCode(404);
    }
}
