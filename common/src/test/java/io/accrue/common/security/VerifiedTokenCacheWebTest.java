package io.accrue.common.security;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.time.Duration;
import java.time.Instant;

import jakarta.inject.Inject;

import org.junit.jupiter.api.Test;

import io.accrue.testing.OidcKeysResource;
import io.accrue.testing.TestTokens;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;

/**
 * A bearer token is verified by quarkus-oidc once and then served from {@link VerifiedTokenCache}: each token keeps
 * its own organisation, environment and roles, nothing but the byte-for-byte same token hits, and no token outlives
 * its expiry.
 */
@QuarkusTest
@QuarkusTestResource(OidcKeysResource.class)
class VerifiedTokenCacheWebTest {

    @Inject
    VerifiedTokenCache cache;

    @Test
    void aRepeatedTokenIsServedFromTheCacheWithItsOwnIdentity() {
        String a = TestTokens.as(Roles.USAGE_REPORTER).org("a").environment("live").token();
        String b = TestTokens.as(Roles.USAGE_REPORTER).org("b").environment("test").token();
        long hitsBefore = cache.hits();
        for (int i = 0; i < 3; i++) {
            given().auth().oauth2(a).get("/test/me").then().statusCode(200).body(equalTo("a/live"));
            given().auth().oauth2(b).get("/test/me").then().statusCode(200).body(equalTo("b/test"));
        }
        assertEquals(4, cache.hits() - hitsBefore, "first call of each token verified, the other four cached");
    }

    @Test
    void aCachedTokenKeepsItsRolesAndItsOrganisation() {
        String reporter = TestTokens.as(Roles.USAGE_REPORTER).org("a").environment("live").token();
        String owner = TestTokens.as(Roles.OWNER).org("a").token();
        for (int i = 0; i < 2; i++) {
            given().auth().oauth2(reporter).get("/test/orgs/a/widgets").then().statusCode(403);
            given().auth().oauth2(owner).get("/test/orgs/a/widgets").then().statusCode(200);
            given().auth().oauth2(owner).get("/test/orgs/b/widgets").then().statusCode(404)
                    .body("code", equalTo("organisation_not_found"));
        }
    }

    @Test
    void anAlteredTokenIsVerifiedInFullAndRefused() {
        String good = TestTokens.as(Roles.OWNER).org("a").token();
        given().auth().oauth2(good).get("/test/orgs/a/widgets").then().statusCode(200);
        given().auth().oauth2(good).get("/test/orgs/a/widgets").then().statusCode(200);

        int dot = good.lastIndexOf('.');
        String otherSignature = good.substring(0, dot + 1) + flip(good.substring(dot + 1));
        given().auth().oauth2(otherSignature).get("/test/orgs/a/widgets").then().statusCode(401);
        // The same claims, signed by a key the service does not trust.
        String forged = TestTokens.as(Roles.OWNER).org("a").forged().token();
        given().auth().oauth2(forged).get("/test/orgs/a/widgets").then().statusCode(401);
        given().auth().oauth2(forged).get("/test/orgs/a/widgets").then().statusCode(401);
    }

    @Test
    void aCachedTokenIsNotServedOnceItExpires() {
        Instant expiry = Instant.now().plusSeconds(60);
        String shortLived = TestTokens.as(Roles.OWNER).org("a").expiresAt(expiry).token();
        long hitsBefore = cache.hits();
        given().auth().oauth2(shortLived).get("/test/orgs/a/widgets").then().statusCode(200);
        given().auth().oauth2(shortLived).get("/test/orgs/a/widgets").then().statusCode(200);
        assertEquals(1, cache.hits() - hitsBefore, "served from the cache while valid");
        try {
            // the cache's clock passes the token's expiry: the entry is dropped, never served
            MovableWallTime.moveBy(Duration.between(Instant.now(), expiry).plusSeconds(1));
            long hits = cache.hits();
            assertNull(cache.get(shortLived), "an expired token is not served from the cache");
            assertEquals(hits, cache.hits());
        } finally {
            MovableWallTime.reset();
        }
        // and a token past its expiry is refused when quarkus-oidc verifies it in full
        String expired = TestTokens.as(Roles.OWNER).org("a").expiresAt(Instant.now().minusSeconds(120)).token();
        given().auth().oauth2(expired).get("/test/orgs/a/widgets").then().statusCode(401);
        given().auth().oauth2(expired).get("/test/orgs/a/widgets").then().statusCode(401);
    }

    /** The signature with one character changed (keeping it valid Base64url). */
    private static String flip(String signature) {
        char c = signature.charAt(10);
        return signature.substring(0, 10) + (c == 'A' ? 'B' : 'A') + signature.substring(11);
    }
}
