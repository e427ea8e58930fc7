package io.accrue.subscription.apikey;

import static io.accrue.subscription.Api.as;
import static io.accrue.subscription.Api.provision;
import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.hasSize;
import static org.hamcrest.Matchers.notNullValue;
import static org.hamcrest.Matchers.nullValue;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Instant;
import java.util.List;

import jakarta.inject.Inject;
import jakarta.persistence.EntityManager;

import org.junit.jupiter.api.Test;

import io.accrue.common.security.Roles;
import io.accrue.common.security.apikey.ApiKeys;
import io.accrue.subscription.Api;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.path.json.JsonPath;

/**
 * API keys end to end inside their owner: created by owner / billing-admin only, shown once and stored as a hash,
 * accepted as a bearer with the key's organisation and role, rotated with an overlap, revoked, audited; every
 * refusal a problem+json and nothing stored for a rejected request.
 */
@QuarkusTest
class ApiKeyResourceTest {

    @Inject
    EntityManager em;

    private static JsonPath create(String org, String role, String keyRole, String env) {
        return as(org, role).body("""
                {"name":"gateway","environment":"%s","role":"%s"}""".formatted(env, keyRole))
                .post("/v1/accounts/{o}/api-keys", org).then().statusCode(201)
                .contentType(ContentType.JSON).extract().jsonPath();
    }

    @Test
    void aKeyIsShownOnceStoredAsItsHashAndAuthenticatesAsItsRole() {
        String org = provision("ak", "USD", "UTC");
        JsonPath created = create(org, Roles.OWNER, "admin", "live");
        String key = created.getString("key");
        String id = created.getString("apiKey.id");
        assertTrue(ApiKeys.parse(key).isPresent(), key);
        assertTrue(key.startsWith("acr_live_"));
        assertEquals(ApiKeys.hint(key), created.getString("apiKey.hint"));

        // stored: the hash, never the key
        Object[] row = (Object[]) em
                .createNativeQuery("select key_hash, hint from api_keys where id = cast(?1 as uuid)")
                .setParameter(1, id).getSingleResult();
        assertEquals(ApiKeys.hash(key), row[0]);
        assertTrue(!row[1].toString().contains(key.substring(13, key.length() - 4)));

        // listed without the key
        as(org, Roles.BILLING_ADMIN).get("/v1/accounts/{o}/api-keys", org).then().statusCode(200)
                .body("items", hasSize(1)).body("items[0].id", equalTo(id)).body("items[0].key", nullValue())
                .body("items[0].state", equalTo("active")).body("items[0].role", equalTo("admin"))
                .body("items[0].createdBy", notNullValue());

        // the key acts as a billing-admin of its own organisation
        given().auth().oauth2(key).get("/v1/accounts/{o}/contacts", org).then().statusCode(200);
        String other = provision("ak", "USD", "UTC");
        given().auth().oauth2(key).get("/v1/accounts/{o}/contacts", other).then().statusCode(404)
                .contentType("application/problem+json").body("code", equalTo("organisation_not_found"));
        // but cannot mint keys
        given().auth().oauth2(key).contentType(ContentType.JSON)
                .body("{\"name\":\"x\",\"environment\":\"live\",\"role\":\"admin\"}")
                .post("/v1/accounts/{o}/api-keys", org).then().statusCode(403)
                .contentType("application/problem+json").body("code", equalTo("api_key_not_allowed"));

        // last used is noted (once a minute at most)
        Instant lastUsed = (Instant) em.createQuery("select k.lastUsedAt from ApiKey k where k.id = ?1")
                .setParameter(1, java.util.UUID.fromString(id)).getSingleResult();
        assertNotNull(lastUsed);

        // audited
        String audit = as(org, Roles.OWNER).get("/v1/accounts/{o}/audit", org).then().statusCode(200)
                .body("items.action", hasItem("api_key.created")).extract().asString();
        assertTrue(!audit.contains(key) && !audit.contains(ApiKeys.hash(key)), "neither key nor hash is audited");
    }

    @Test
    void onlyOwnersAndBillingAdminsManageKeys() {
        String org = provision("ak", "USD", "UTC");
        String body = "{\"name\":\"gw\",\"environment\":\"test\",\"role\":\"usage-reporter\"}";
        for (String role : List.of(Roles.MEMBER, Roles.USAGE_REPORTER)) {
            as(org, role).body(body).post("/v1/accounts/{o}/api-keys", org).then().statusCode(403)
                    .contentType("application/problem+json").body("code", equalTo("forbidden"));
        }
        given().contentType(ContentType.JSON).body(body).post("/v1/accounts/{o}/api-keys", org).then()
                .statusCode(401).contentType("application/problem+json");
        String other = provision("ak", "USD", "UTC");
        as(other, Roles.OWNER).body(body).post("/v1/accounts/{o}/api-keys", org).then().statusCode(404)
                .body("code", equalTo("organisation_not_found"));
        assertEquals(0L, count(org));
    }

    @Test
    void invalidDraftsAreRefusedAndNothingIsStored() {
        String org = provision("ak", "USD", "UTC");
        for (String body : List.of("{\"name\":\"gw\",\"environment\":\"prod\",\"role\":\"admin\"}",
                "{\"name\":\"gw\",\"environment\":\"live\",\"role\":\"owner\"}",
                "{\"name\":\"\",\"environment\":\"live\",\"role\":\"admin\"}",
                "{\"name\":\"gw\",\"role\":\"admin\"}")) {
            as(org, Roles.OWNER).body(body).post("/v1/accounts/{o}/api-keys", org).then()
                    .statusCode(422).contentType("application/problem+json").body("code", equalTo("validation_failed"));
        }
        as(org, Roles.OWNER).body("{\"name\":\"gw\",\"environment\":\"live\",\"role\":\"admin\",\"scopes\":[]}")
                .post("/v1/accounts/{o}/api-keys", org).then().statusCode(400).body("code", equalTo("unknown_field"));
        for (String expiry : List.of("2020-01-01T00:00:00Z", "tomorrow")) {
            as(org, Roles.OWNER).body("{\"name\":\"gw\",\"environment\":\"live\",\"role\":\"admin\",\"expiresAt\":\""
                    + expiry + "\"}").post("/v1/accounts/{o}/api-keys", org).then().statusCode(422)
                    .body("code", equalTo("api_key_expiry_invalid"));
        }
        assertEquals(0L, count(org));
    }

    @Test
    void aRotatedKeyOverlapsThenExpiresAndARevokedKeyIsRefused() {
        String org = provision("ak", "USD", "UTC");
        JsonPath first = create(org, Roles.OWNER, "read-only", "test");
        String oldKey = first.getString("key");
        String oldId = first.getString("apiKey.id");

        JsonPath rotated = as(org, Roles.OWNER).body("{\"overlapSeconds\":3600}")
                .post("/v1/accounts/{o}/api-keys/{k}/rotate", org, oldId).then().statusCode(201).extract().jsonPath();
        String newKey = rotated.getString("key");
        assertTrue(newKey.startsWith("acr_test_"));
        assertEquals(oldId, rotated.getString("apiKey.rotatedFrom"));
        // both work during the overlap
        given().auth().oauth2(oldKey).get("/v1/accounts/{o}/status", org).then().statusCode(200);
        given().auth().oauth2(newKey).get("/v1/accounts/{o}/status", org).then().statusCode(200);
        JsonPath old = as(org, Roles.OWNER).get("/v1/accounts/{o}/api-keys/{k}", org, oldId).then().statusCode(200)
                .extract().jsonPath();
        assertEquals(rotated.getString("apiKey.id"), old.getString("replacedBy"));
        Instant overlapEnd = Instant.parse(old.getString("expiresAt"));
        assertTrue(overlapEnd.isAfter(Instant.now().plusSeconds(3500)) && overlapEnd.isBefore(Instant.now()
                .plusSeconds(3700)), overlapEnd.toString());
        // a rotated key cannot be rotated again
        as(org, Roles.OWNER).body("{}").post("/v1/accounts/{o}/api-keys/{k}/rotate", org, oldId).then()
                .statusCode(409).body("code", equalTo("api_key_already_rotated"));
        as(org, Roles.OWNER).body("{\"overlapSeconds\":604801}")
                .post("/v1/accounts/{o}/api-keys/{k}/rotate", org, rotated.getString("apiKey.id")).then()
                .statusCode(422).contentType("application/problem+json");

        // revoked: the verifier refuses it at once (replicas' caches within 10 s)
        String newId = rotated.getString("apiKey.id");
        as(org, Roles.BILLING_ADMIN).delete("/v1/accounts/{o}/api-keys/{k}", org, newId).then().statusCode(200)
                .body("state", equalTo("revoked")).body("revokedBy", notNullValue());
        assertTrue(service.verify(ApiKeys.hash(newKey)).isEmpty());
        assertTrue(service.verify(ApiKeys.hash(oldKey)).isPresent(), "the old key keeps its overlap");
        as(org, Roles.OWNER).body("{}").post("/v1/accounts/{o}/api-keys/{k}/rotate", org, newId).then()
                .statusCode(409).body("code", equalTo("api_key_not_active"));
        as(org, Roles.OWNER).get("/v1/accounts/{o}/audit", org).then().statusCode(200)
                .body("items.action", hasItem("api_key.rotated")).body("items.action", hasItem("api_key.revoked"));
        // another organisation's key id is 404
        as(org, Roles.OWNER).delete("/v1/accounts/{o}/api-keys/{k}", org, java.util.UUID.randomUUID()).then()
                .statusCode(404).body("code", equalTo("api_key_not_found"));
        as(org, Roles.OWNER).delete("/v1/accounts/{o}/api-keys/not-a-uuid", org).then().statusCode(404);
    }

    @Inject
    ApiKeyService service;

    @Test
    void introspectionIsForServicesAndAnswersByHash() {
        String org = provision("ak", "USD", "UTC");
        JsonPath created = create(org, Roles.OWNER, "usage-reporter", "live");
        String key = created.getString("key");
        Api.service().contentType(ContentType.JSON).body("{\"keyHash\":\"" + ApiKeys.hash(key) + "\"}")
                .post("/v1/api-keys/introspect").then().statusCode(200)
                .body("organisationId", equalTo(org)).body("environment", equalTo("live"))
                .body("role", equalTo("usage-reporter")).body("keyId", equalTo(created.getString("apiKey.id")));
        Api.service().contentType(ContentType.JSON).body("{\"keyHash\":\"" + "0".repeat(64) + "\"}")
                .post("/v1/api-keys/introspect").then().statusCode(404).body("code", equalTo("api_key_invalid"));
        Api.service().contentType(ContentType.JSON).body("{\"keyHash\":\"" + key + "\"}")
                .post("/v1/api-keys/introspect").then().statusCode(422).body("code", equalTo("validation_failed"));
        as(org, Roles.OWNER).body("{\"keyHash\":\"" + ApiKeys.hash(key) + "\"}").post("/v1/api-keys/introspect")
                .then().statusCode(403);
        // the key itself may not introspect (usage-reporter)
        given().auth().oauth2(key).contentType(ContentType.JSON).body("{\"keyHash\":\"" + ApiKeys.hash(key) + "\"}")
                .post("/v1/api-keys/introspect").then().statusCode(403);
    }

    @Test
    void malformedAndUnknownKeysAre401ProblemsNever500() {
        String org = provision("ak", "USD", "UTC");
        String valid = create(org, Roles.OWNER, "read-only", "live").getString("key");
        given().auth().oauth2(ApiKeys.generate(io.accrue.common.security.Environment.LIVE))
                .get("/v1/accounts/{o}/status", org).then().statusCode(401)
                .contentType("application/problem+json").body("code", equalTo("unauthenticated"));
        for (String bad : List.of("acr_live_", valid + "x", valid.substring(0, 57) + "!", "acr_live_" + "-".repeat(49),
                "acr_" + "x".repeat(5000))) {
            given().header("Authorization", "Bearer " + bad).get("/v1/accounts/{o}/status", org).then()
                    .statusCode(401).contentType("application/problem+json")
                    .body("code", equalTo("api_key_malformed"));
        }
    }

    private long count(String org) {
        return ((Number) em.createNativeQuery("select count(*) from api_keys where org_id = ?1").setParameter(1, org)
                .getSingleResult()).longValue();
    }
}
