package io.accrue.common.security.apikey;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Duration;
import java.time.Instant;
import java.util.UUID;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import io.accrue.common.security.Environment;
import io.accrue.common.security.MovableWallTimeAccess;
import io.accrue.testing.OidcKeysResource;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;

/**
 * An API key authenticates like a token: its roles, organisation and environment reach {@code @RolesAllowed}, the
 * organisation scope and {@code Caller}; verified keys are cached on the replica for the TTL (10 s) and no longer, so
 * a revoked key stops working within it; every refusal is a 401/503 problem, never a 500.
 */
@QuarkusTest
@QuarkusTestResource(OidcKeysResource.class)
class ApiKeyWebTest {

    @AfterEach
    void reset() {
        FakeApiKeyVerifier.DOWN.set(false);
        MovableWallTimeAccess.reset();
    }

    private static String issue(String org, Environment env, ApiKeyRole role, Instant expiresAt) {
        String key = ApiKeys.generate(env);
        FakeApiKeyVerifier.GRANTS.put(ApiKeys.hash(key), new ApiKeyGrant(UUID.randomUUID().toString(), org,
                env.wireName(), role.wireName(), expiresAt));
        return key;
    }

    @Test
    void aKeyCarriesItsOrganisationEnvironmentAndRole() {
        String reporter = issue("a", Environment.TEST, ApiKeyRole.USAGE_REPORTER, null);
        given().auth().oauth2(reporter).get("/test/me").then().statusCode(200).body(equalTo("a/test"));
        // usage-reporter may not read widgets (owner/member only)
        given().auth().oauth2(reporter).get("/test/orgs/a/widgets").then().statusCode(403)
                .contentType("application/problem+json").body("code", equalTo("forbidden"));

        String readOnly = issue("a", Environment.LIVE, ApiKeyRole.READ_ONLY, null);
        given().auth().oauth2(readOnly).get("/test/orgs/a/widgets").then().statusCode(200);
        // another organisation's data is 404, exactly as for a token
        given().auth().oauth2(readOnly).get("/test/orgs/b/widgets").then().statusCode(404)
                .body("code", equalTo("organisation_not_found"));
        // read-only is member: no writes
        given().auth().oauth2(readOnly).contentType("application/json").body("{\"name\":\"x\",\"quantity\":1}")
                .post("/test/orgs/a/widgets").then().statusCode(403);
    }

    @Test
    void aVerifiedKeyIsCachedAndARevokedKeyStopsWithinTheTtl() {
        String key = issue("a", Environment.LIVE, ApiKeyRole.READ_ONLY, null);
        int before = FakeApiKeyVerifier.CALLS.get();
        for (int i = 0; i < 5; i++) {
            given().auth().oauth2(key).get("/test/orgs/a/widgets").then().statusCode(200);
        }
        assertEquals(1, FakeApiKeyVerifier.CALLS.get() - before, "verified once, then served from the cache");

        FakeApiKeyVerifier.GRANTS.remove(ApiKeys.hash(key)); // revoked at the owner
        given().auth().oauth2(key).get("/test/orgs/a/widgets").then().statusCode(200); // still cached here
        MovableWallTimeAccess.moveBy(Duration.ofSeconds(11));
        given().auth().oauth2(key).get("/test/orgs/a/widgets").then().statusCode(401)
                .contentType("application/problem+json").body("code", equalTo("unauthenticated"));
    }

    @Test
    void aKeyIsNotServedFromTheCachePastItsExpiry() {
        String key = issue("a", Environment.LIVE, ApiKeyRole.READ_ONLY, Instant.now().plusSeconds(3));
        given().auth().oauth2(key).get("/test/orgs/a/widgets").then().statusCode(200);
        MovableWallTimeAccess.moveBy(Duration.ofSeconds(4));
        given().auth().oauth2(key).get("/test/orgs/a/widgets").then().statusCode(401);
    }

    @Test
    void unknownAndMalformedKeysAre401Problems() {
        String unknown = ApiKeys.generate(Environment.LIVE);
        given().auth().oauth2(unknown).get("/test/orgs/a/widgets").then().statusCode(401)
                .contentType("application/problem+json").body("code", equalTo("unauthenticated"));
        String valid = issue("a", Environment.LIVE, ApiKeyRole.READ_ONLY, null);
        for (String bad : new String[]{"acr_", "acr_live_x", valid.substring(0, valid.length() - 1) + "!",
                valid.substring(0, valid.length() - 1) + (valid.endsWith("a") ? "b" : "a"), valid + "0",
                "acr_live_" + "%".repeat(49), "acr_live_" + "\u00e9".repeat(49)}) {
            given().header("Authorization", "Bearer " + bad).get("/test/orgs/a/widgets").then().statusCode(401)
                    .contentType("application/problem+json").body("code", equalTo("api_key_malformed"));
        }
    }

    @Test
    void anUnreachableVerifierIs503NotALetThrough() {
        String key = issue("a", Environment.LIVE, ApiKeyRole.READ_ONLY, null);
        FakeApiKeyVerifier.DOWN.set(true);
        given().auth().oauth2(key).get("/test/orgs/a/widgets").then().statusCode(503)
                .contentType("application/problem+json").body("code", equalTo("api_key_verification_unavailable"));
    }
}
