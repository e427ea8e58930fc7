package io.accrue.subscription.account;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.not;
import static org.hamcrest.Matchers.notNullValue;

import java.util.UUID;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import io.accrue.common.security.Roles;
import io.accrue.testing.TestTokens;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;

@QuarkusTest
class BillingAccountResourceTest {

    private static final String PROBLEM = "application/problem+json";
    private String orgA;
    private String orgB;

    @BeforeEach
    void provisionTwoOrganisations() {
        orgA = "org-a-" + UUID.randomUUID();
        orgB = "org-b-" + UUID.randomUUID();
        provision(orgA);
        provision(orgB);
    }

    @Test
    void billingAdminReadsOwnAccount() {
        given().header("Authorization", TestTokens.bearer(orgA, Roles.BILLING_ADMIN))
                .when().get("/v1/accounts/{org}", orgA)
                .then().statusCode(200)
                .body("orgId", equalTo(orgA))
                .body("currency", equalTo("EUR"))
                .body("timeZone", equalTo("Europe/Paris"))
                .body("planSlug", equalTo("free"))
                .body("createdAt", equalTo("2026-03-15T10:00:00Z"));
    }

    @Test
    void billingAdminSetsWhoInvoicesAreAddressedToAndABadCountryChangesNothing() {
        String details = """
                {"legalName":"Org A GmbH","taxId":"DE 123456789","address":{"line1":"Torstraße 1","line2":null,\
                "city":"Berlin","postalCode":"10119","region":null,"country":"DE"}}""";
        given().header("Authorization", TestTokens.bearer(orgA, Roles.BILLING_ADMIN)).contentType(ContentType.JSON)
                .body(details).when().put("/v1/accounts/{org}/billing-details", orgA)
                .then().statusCode(200).body("billingDetails.legalName", equalTo("Org A GmbH"))
                .body("billingDetails.address.city", equalTo("Berlin"))
                .body("billingDetails.taxId", equalTo("DE 123456789"));
        given().header("Authorization", TestTokens.bearer(orgA, Roles.MEMBER))
                .when().get("/v1/accounts/{org}", orgA)
                .then().statusCode(200).body("billingDetails.address.postalCode", equalTo("10119"))
                .body("billingDetails.address.country", equalTo("DE"));

        given().header("Authorization", TestTokens.bearer(orgA, Roles.BILLING_ADMIN)).contentType(ContentType.JSON)
                .body("{\"legalName\":\"Changed\",\"address\":{\"line1\":\"x\",\"country\":\"Germany\"}}")
                .when().put("/v1/accounts/{org}/billing-details", orgA)
                .then().statusCode(422).contentType(PROBLEM);
        given().header("Authorization", TestTokens.bearer(orgA, Roles.MEMBER)).contentType(ContentType.JSON)
                .body(details).when().put("/v1/accounts/{org}/billing-details", orgA).then().statusCode(403);
        given().header("Authorization", TestTokens.bearer(orgB, Roles.OWNER)).contentType(ContentType.JSON)
                .body(details).when().put("/v1/accounts/{org}/billing-details", orgA)
                .then().statusCode(404).body("code", equalTo("organisation_not_found"));
        given().header("Authorization", TestTokens.bearer(orgA, Roles.OWNER))
                .when().get("/v1/accounts/{org}", orgA)
                .then().statusCode(200).body("billingDetails.legalName", equalTo("Org A GmbH"));
        given().header("Authorization", TestTokens.bearer(orgB, Roles.OWNER))
                .when().get("/v1/accounts/{org}", orgB)
                .then().statusCode(200).body("billingDetails", equalTo(null));
    }

    /** Stored once, read by invoice-service for end-user invoices (delivery stripe_connect); null removes it. */
    @Test
    void anOwnerStoresTheStripeConnectAccountOnce() {
        given().header("Authorization", TestTokens.bearer(orgA, Roles.OWNER)).contentType(ContentType.JSON)
                .body("{\"accountId\":\"acct_1OrgAConnect\"}").when().put("/v1/accounts/{org}/stripe-connect", orgA)
                .then().statusCode(200).body("stripeConnectAccountId", equalTo("acct_1OrgAConnect"));
        given().header("Authorization", TestTokens.bearer(orgA, Roles.MEMBER)).when().get("/v1/accounts/{org}", orgA)
                .then().body("stripeConnectAccountId", equalTo("acct_1OrgAConnect"));
        // not an account id, a member, another organisation: refused, nothing changed
        given().header("Authorization", TestTokens.bearer(orgA, Roles.OWNER)).contentType(ContentType.JSON)
                .body("{\"accountId\":\"cus_123\"}").when().put("/v1/accounts/{org}/stripe-connect", orgA)
                .then().statusCode(422).contentType(PROBLEM).body("code", equalTo("validation_failed"));
        given().header("Authorization", TestTokens.bearer(orgA, Roles.MEMBER)).contentType(ContentType.JSON)
                .body("{\"accountId\":\"acct_1Member\"}").when().put("/v1/accounts/{org}/stripe-connect", orgA)
                .then().statusCode(403);
        given().header("Authorization", TestTokens.bearer(orgB, Roles.OWNER)).contentType(ContentType.JSON)
                .body("{\"accountId\":\"acct_1Intruder\"}").when().put("/v1/accounts/{org}/stripe-connect", orgA)
                .then().statusCode(404);
        given().header("Authorization", TestTokens.bearer(orgA, Roles.OWNER)).when().get("/v1/accounts/{org}", orgA)
                .then().body("stripeConnectAccountId", equalTo("acct_1OrgAConnect"));
        given().header("Authorization", TestTokens.bearer(orgA, Roles.BILLING_ADMIN)).contentType(ContentType.JSON)
                .body("{\"accountId\":null}").when().put("/v1/accounts/{org}/stripe-connect", orgA)
                .then().statusCode(200).body("stripeConnectAccountId", equalTo(null));
    }

    @Test
    void anotherOrganisationsAccountIsNotFound() {
        given().header("Authorization", TestTokens.bearer(orgA, Roles.BILLING_ADMIN))
                .when().get("/v1/accounts/{org}", orgB)
                .then().statusCode(404).contentType(PROBLEM)
                .body("code", equalTo("organisation_not_found"))
                .body("orgId", not(notNullValue()));
    }

    @Test
    void ownerWithoutOrganisationClaimSeesNoAccount() {
        given().header("Authorization", TestTokens.as(Roles.OWNER).bearer())
                .when().get("/v1/accounts/{org}", orgA)
                .then().statusCode(404).body("code", equalTo("organisation_not_found"));
    }

    @Test
    void operatorReadsAnyOrganisation() {
        given().header("Authorization", TestTokens.as(Roles.PLATFORM_OPERATOR).bearer())
                .when().get("/v1/accounts/{org}", orgB)
                .then().statusCode(200).body("orgId", equalTo(orgB));
    }

    @Test
    void missingTokenIsUnauthenticated() {
        given().when().get("/v1/accounts/{org}", orgA)
                .then().statusCode(401).contentType(PROBLEM)
                .header("WWW-Authenticate", containsString("Bearer"))
                .body("code", equalTo("unauthenticated"));
    }

    @Test
    void forgedTokenIsUnauthenticated() {
        given().header("Authorization", TestTokens.as(Roles.BILLING_ADMIN).org(orgA).forged().bearer())
                .when().get("/v1/accounts/{org}", orgA)
                .then().statusCode(401).contentType(PROBLEM).body("code", equalTo("unauthenticated"));
    }

    @Test
    void expiredTokenIsUnauthenticated() {
        given().header("Authorization", TestTokens.as(Roles.BILLING_ADMIN).org(orgA).expired().bearer())
                .when().get("/v1/accounts/{org}", orgA)
                .then().statusCode(401).contentType(PROBLEM).body("code", equalTo("unauthenticated"));
    }

    @Test
    void tokenOfAnotherIssuerIsUnauthenticated() {
        given().header("Authorization",
                TestTokens.as(Roles.BILLING_ADMIN).org(orgA).issuer("https://evil.example").bearer())
                .when().get("/v1/accounts/{org}", orgA)
                .then().statusCode(401).contentType(PROBLEM);
    }

    @Test
    void wrongRoleIsForbidden() {
        given().header("Authorization", TestTokens.bearer(orgA, Roles.USAGE_REPORTER))
                .when().get("/v1/accounts/{org}", orgA)
                .then().statusCode(403).contentType(PROBLEM).body("code", equalTo("forbidden"));
    }

    @Test
    void onlyOperatorProvisions() {
        String org = "org-" + UUID.randomUUID();
        given().header("Authorization", TestTokens.bearer(org, Roles.OWNER))
                .contentType(ContentType.JSON)
                .body(createBody(org, "USD", "UTC"))
                .when().post("/v1/accounts")
                .then().statusCode(403).contentType(PROBLEM);
        assertNotPersisted(org);
    }

    @Test
    void invalidFieldsAnswer422WithViolationsAndPersistNothing() {
        String org = "org-" + UUID.randomUUID();
        given().header("Authorization", TestTokens.as(Roles.PLATFORM_OPERATOR).bearer())
                .contentType(ContentType.JSON)
                .body("{\"orgId\":\"" + org + "\",\"name\":\"\",\"currency\":\"dollars\"}")
                .when().post("/v1/accounts")
                .then().statusCode(422).contentType(PROBLEM)
                .body("code", equalTo("validation_failed"))
                .body("violations.field", hasItem("name"))
                .body("violations.field", hasItem("currency"));
        assertNotPersisted(org);
    }

    @Test
    void unknownCurrencyAndZoneAreRefused() {
        String org = "org-" + UUID.randomUUID();
        operator().body(createBody(org, "XYZ", "UTC")).when().post("/v1/accounts")
                .then().statusCode(422).body("code", equalTo("unknown_currency"));
        operator().body(createBody(org, "USD", "Mars/Olympus")).when().post("/v1/accounts")
                .then().statusCode(422).body("code", equalTo("unknown_time_zone"));
        assertNotPersisted(org);
    }

    @Test
    void malformedJsonIs400() {
        operator().body("{\"orgId\": ").when().post("/v1/accounts")
                .then().statusCode(400).contentType(PROBLEM).body("code", equalTo("malformed_json"));
    }

    @Test
    void unknownFieldIsRejected() {
        String org = "org-" + UUID.randomUUID();
        operator().body("{\"orgId\":\"" + org + "\",\"name\":\"n\",\"currency\":\"USD\",\"prompt\":\"hi\"}")
                .when().post("/v1/accounts")
                .then().statusCode(400).contentType(PROBLEM)
                .body("code", equalTo("unknown_field"))
                .body("violations[0].field", equalTo("prompt"));
        assertNotPersisted(org);
    }

    @Test
    void secondProvisioningOfSameOrganisationConflicts() {
        operator().body(createBody(orgA, "USD", "UTC")).when().post("/v1/accounts")
                .then().statusCode(409).contentType(PROBLEM).body("code", equalTo("account_exists"));
        // the first account is untouched
        given().header("Authorization", TestTokens.bearer(orgA, Roles.OWNER))
                .when().get("/v1/accounts/{org}", orgA).then().body("currency", equalTo("EUR"));
    }

    @Test
    void unknownRouteIsProblem404() {
        given().header("Authorization", TestTokens.bearer(orgA, Roles.OWNER))
                .when().get("/v1/no-such-thing")
                .then().statusCode(404).contentType(PROBLEM).body("code", equalTo("not_found"));
    }

    private void provision(String org) {
        operator().body(createBody(org, "EUR", "Europe/Paris"))
                .when().post("/v1/accounts")
                .then().statusCode(201)
                .header("Location", containsString("/v1/accounts/" + org))
                .body("orgId", equalTo(org));
    }

    private void assertNotPersisted(String org) {
        given().header("Authorization", TestTokens.as(Roles.PLATFORM_OPERATOR).bearer())
                .when().get("/v1/accounts/{org}", org)
                .then().statusCode(404).body("code", equalTo("account_not_found"));
    }

    private static io.restassured.specification.RequestSpecification operator() {
        return given().header("Authorization", TestTokens.as(Roles.PLATFORM_OPERATOR).bearer())
                .contentType(ContentType.JSON);
    }

    private static String createBody(String org, String currency, String zone) {
        return """
                {"orgId":"%s","name":"Acme AI","currency":"%s","timeZone":"%s"}""".formatted(org, currency, zone);
    }
}
