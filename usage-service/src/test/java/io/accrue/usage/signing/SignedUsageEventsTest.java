package io.accrue.usage.signing;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.either;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.hasSize;
import static org.hamcrest.Matchers.not;
import static org.hamcrest.Matchers.nullValue;
import static org.hamcrest.Matchers.startsWith;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import java.util.Set;
import java.util.UUID;

import jakarta.inject.Inject;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import io.accrue.common.security.Roles;
import io.accrue.common.signing.Signatures;
import io.accrue.common.time.AdjustableClock;
import io.accrue.testing.OidcKeysResource;
import io.accrue.testing.TestTokens;
import io.accrue.usage.UsageFixtures;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.response.ValidatableResponse;
import io.restassured.specification.RequestSpecification;
import io.smallrye.jwt.build.Jwt;

@QuarkusTest
class SignedUsageEventsTest {

    private static final String PROBLEM = "application/problem+json";
    private static final String GATEWAY = "gateway-live";

    @Inject
    AdjustableClock clock;

    private String org;

    @BeforeEach
    void freshOrganisation() {
        org = "org-" + UUID.randomUUID();
    }

    @Test
    void aClientWithoutASecretKeepsPostingUnsigned() {
        createSecret("some-other-client");
        reporter(GATEWAY).body(event("u-1")).when().post("/v1/usage-events").then().statusCode(201);
        totalRequests(1);
    }

    @Test
    void onceAClientHasASecretEveryRejectionIs401AndPersistsNothing() {
        String secret = createSecret(GATEWAY);
        String body = event("e-1");
        long now = clock.instant().getEpochSecond();

        reporter(GATEWAY).body(body).when().post("/v1/usage-events").then()
                .statusCode(401).contentType(PROBLEM).body("code", equalTo("signature_missing"))
                .body("type", equalTo("https://accrue.io/problems/signature_missing"))
                .header("WWW-Authenticate", nullValue());
        reporter(GATEWAY).header(Signatures.HEADER, Signatures.header("asig_wrong", now, body)).body(body)
                .when().post("/v1/usage-events").then()
                .statusCode(401).contentType(PROBLEM).body("code", equalTo("signature_invalid"));
        // Signed for one body, sent with another: tampering.
        reporter(GATEWAY).header(Signatures.HEADER, Signatures.header(secret, now, body))
                .body(body.replace("\"inputTokens\":1000", "\"inputTokens\":1")).when().post("/v1/usage-events")
                .then().statusCode(401).body("code", equalTo("signature_invalid"));
        // The right signature with the timestamp moved: the timestamp is part of what is signed.
        String moved = Signatures.header(secret, now, body).replace("t=" + now, "t=" + (now + 1));
        reporter(GATEWAY).header(Signatures.HEADER, moved).body(body).when().post("/v1/usage-events")
                .then().statusCode(401).body("code", equalTo("signature_invalid"));
        // Spellings of the path that might reach the resource never skip the check.
        for (String path : new String[]{"/v1/usage-events/", "/v1//usage-events", "/v1/usage%2Devents"}) {
            reporter(GATEWAY).body(body).urlEncodingEnabled(false).when().post(path).then()
                    .statusCode(either(equalTo(401)).or(equalTo(404)));
        }
        reporter(GATEWAY).header(Signatures.HEADER, "v1=abc").body(body).when().post("/v1/usage-events")
                .then().statusCode(401).body("code", equalTo("signature_invalid"));
        // Captured and replayed after the tolerance (300 s), or stamped too far ahead.
        reporter(GATEWAY).header(Signatures.HEADER, Signatures.header(secret, now - 301, body)).body(body)
                .when().post("/v1/usage-events").then()
                .statusCode(401).contentType(PROBLEM).body("code", equalTo("signature_expired"));
        reporter(GATEWAY).header(Signatures.HEADER, Signatures.header(secret, now + 301, body)).body(body)
                .when().post("/v1/usage-events").then().statusCode(401).body("code", equalTo("signature_expired"));

        totalRequests(0);
        given().header("Authorization", TestTokens.bearer(org, Roles.MEMBER))
                .when().get("/v1/orgs/{org}/end-users", org).then().statusCode(200).body("items", hasSize(0));

        // Within the tolerance the same event is accepted, once; the replay of it is a duplicate.
        reporter(GATEWAY).header(Signatures.HEADER, Signatures.header(secret, now - 299, body)).body(body)
                .when().post("/v1/usage-events").then().statusCode(201).body("status", equalTo("accepted"));
        reporter(GATEWAY).header(Signatures.HEADER, Signatures.header(secret, now, body)).body(body)
                .when().post("/v1/usage-events").then().statusCode(200).body("status", equalTo("duplicate"));
        totalRequests(1);
    }

    @Test
    void aSignedBatchIsAcceptedAndOnlyThatClientOfThatOrganisationMustSign() {
        String secret = createSecret(GATEWAY);
        String batch = "{\"events\":[" + UsageFixtures.event("b-1", "u-1", "gpt-4o", 10, 5, "2026-03-15T09:00:00Z")
                + "," + UsageFixtures.event("b-2", "u-2", "gpt-4o", 10, 5, "2026-03-15T09:00:00Z") + "]}";
        reporter(GATEWAY).header(Signatures.HEADER,
                Signatures.header(secret, clock.instant().getEpochSecond(), batch)).body(batch)
                .when().post("/v1/usage-events").then().statusCode(200).body("accepted", equalTo(2));
        // Another client of the organisation has no secret; the same client id in another organisation neither.
        reporter("gateway-test").body(event("o-1")).when().post("/v1/usage-events").then().statusCode(201);
        String other = org;
        org = "org-" + UUID.randomUUID();
        reporter(GATEWAY).body(event("o-2")).when().post("/v1/usage-events").then().statusCode(201);
        org = other;
        totalRequests(3);
    }

    @Test
    void theClientIsTheTokensAzpWhenItHasOne() {
        String secret = createSecret("keycloak-client");
        String body = event("azp-1");
        String token = Jwt.issuer(OidcKeysResource.ISSUER).subject("service-account-" + UUID.randomUUID())
                .claim("azp", "keycloak-client").claim("org_id", org).claim("environment", "live")
                .groups(Set.of(Roles.USAGE_REPORTER)).sign();
        given().header("Authorization", "Bearer " + token).contentType(ContentType.JSON).body(body)
                .when().post("/v1/usage-events").then().statusCode(401).body("code", equalTo("signature_missing"));
        given().header("Authorization", "Bearer " + token).contentType(ContentType.JSON)
                .header(Signatures.HEADER, Signatures.header(secret, clock.instant().getEpochSecond(), body))
                .body(body).when().post("/v1/usage-events").then().statusCode(201);
    }

    @Test
    void aSecretCanBeRolledAndRemoved() {
        String first = createSecret(GATEWAY);
        String second = createSecret(GATEWAY);
        assertNotEquals(first, second);
        owner().when().post("/v1/orgs/{org}/clients/{c}/signing-secrets", org, GATEWAY)
                .then().statusCode(409).contentType(PROBLEM).body("code", equalTo("signing_secret_limit"));
        long now = clock.instant().getEpochSecond();
        String a = event("r-1"), b = event("r-2");
        signed(a, Signatures.header(first, now, a)).statusCode(201);
        signed(b, Signatures.header(second, now, b)).statusCode(201);

        String firstHint = first.substring(first.length() - 4);
        String listed = owner().when().get("/v1/orgs/{org}/clients/{c}/signing-secrets", org, GATEWAY).then()
                .statusCode(200).body("", hasSize(2)).body("hint", hasItem(firstHint))
                .body("[0].secret", nullValue()).extract().asString();
        assertFalse(listed.contains(first), "a listed secret is never shown");
        String firstId = owner().when().get("/v1/orgs/{org}/signing-secrets", org).then().statusCode(200)
                .extract().path("find { it.hint == '%s' }.id".formatted(firstHint));
        owner().when().delete("/v1/orgs/{org}/clients/{c}/signing-secrets/{id}", org, GATEWAY, firstId)
                .then().statusCode(204);
        owner().when().delete("/v1/orgs/{org}/clients/{c}/signing-secrets/{id}", org, GATEWAY, firstId)
                .then().statusCode(404).body("code", equalTo("signing_secret_not_found"));
        String c = event("r-3");
        signed(c, Signatures.header(first, now, c)).statusCode(401).body("code", equalTo("signature_invalid"));
        signed(c, Signatures.header(second, now, c)).statusCode(201);

        String secondId = owner().when().get("/v1/orgs/{org}/clients/{c}/signing-secrets", org, GATEWAY).then()
                .extract().path("[0].id");
        owner().when().delete("/v1/orgs/{org}/clients/{c}/signing-secrets/{id}", org, GATEWAY, secondId)
                .then().statusCode(204);
        reporter(GATEWAY).body(event("r-4")).when().post("/v1/usage-events").then().statusCode(201);
    }

    @Test
    void onlyTheOwnerOrTheOperatorManagesSecrets() {
        String path = "/v1/orgs/{org}/clients/{c}/signing-secrets";
        given().when().post(path, org, GATEWAY).then().statusCode(401).contentType(PROBLEM);
        for (String role : new String[]{Roles.MEMBER, Roles.BILLING_ADMIN, Roles.USAGE_REPORTER}) {
            given().header("Authorization", TestTokens.as(role).org(org).environment("live").bearer())
                    .when().post(path, org, GATEWAY).then().statusCode(403).body("code", equalTo("forbidden"));
            given().header("Authorization", TestTokens.as(role).org(org).bearer())
                    .when().get(path, org, GATEWAY).then().statusCode(403);
        }
        given().header("Authorization", TestTokens.bearer("someone-else", Roles.OWNER))
                .when().post(path, org, GATEWAY).then().statusCode(404).body("code", equalTo("organisation_not_found"));
        given().header("Authorization", TestTokens.as(Roles.PLATFORM_OPERATOR).bearer())
                .when().post(path, org, GATEWAY).then().statusCode(201).body("clientId", equalTo(GATEWAY))
                .body("secret", startsWith("asig_")).body("header", equalTo("Accrue-Signature"));
        owner().when().get(path, org, GATEWAY).then().statusCode(200).body("", hasSize(1))
                .body("[0].createdBy", not(equalTo(null)));
    }

    private String createSecret(String client) {
        return owner().when().post("/v1/orgs/{org}/clients/{c}/signing-secrets", org, client)
                .then().statusCode(201).body("clientId", equalTo(client)).extract().path("secret");
    }

    private ValidatableResponse signed(String body, String header) {
        return reporter(GATEWAY).header(Signatures.HEADER, header).body(body).when().post("/v1/usage-events").then();
    }

    private void totalRequests(int expected) {
        given().header("Authorization", TestTokens.bearer(org, Roles.MEMBER))
                .queryParam("environment", "live").queryParam("from", "2026-03-01T00:00:00Z")
                .queryParam("to", "2026-04-01T00:00:00Z")
                .when().get("/v1/orgs/{org}/usage/summary", org).then().statusCode(200)
                .body("totals.requests", equalTo(expected));
    }

    private static String event(String id) {
        return UsageFixtures.event(id, "u-1", "gpt-4o", 1000, 500, "2026-03-15T09:00:00Z");
    }

    private RequestSpecification reporter(String client) {
        return given().header("Authorization",
                TestTokens.as(Roles.USAGE_REPORTER).org(org).environment("live").subject(client).bearer())
                .contentType(ContentType.JSON);
    }

    private RequestSpecification owner() {
        return given().header("Authorization", TestTokens.bearer(org, Roles.OWNER));
    }
}
