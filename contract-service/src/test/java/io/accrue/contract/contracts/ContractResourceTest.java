package io.accrue.contract.contracts;

import static io.accrue.contract.ContractFixtures.PROBLEM;
import static io.accrue.contract.ContractFixtures.admin;
import static io.accrue.contract.ContractFixtures.as;
import static io.accrue.contract.ContractFixtures.createDraft;
import static io.accrue.contract.ContractFixtures.yearDraft;
import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.hasSize;
import static org.hamcrest.Matchers.nullValue;

import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import io.accrue.common.security.Roles;
import io.accrue.testing.TestTokens;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;

@QuarkusTest
class ContractResourceTest {

    private String orgA;
    private String orgB;

    @BeforeEach
    void organisations() {
        orgA = "org-a-" + UUID.randomUUID();
        orgB = "org-b-" + UUID.randomUUID();
    }

    @Test
    void billingAdminDraftsAndReadsAContract() {
        String id = admin(orgA).body(yearDraft()).when().post("/v1/orgs/{org}/contracts", orgA)
                .then().statusCode(201)
                .header("Location", containsString("/v1/orgs/" + orgA + "/contracts/"))
                .body("status", equalTo("draft"))
                .extract().path("id");
        as(orgA, Roles.MEMBER).when().get("/v1/orgs/{org}/contracts/{id}", orgA, id)
                .then().statusCode(200)
                .body("orgId", equalTo(orgA))
                .body("currency", equalTo("USD"))
                .body("termStart", equalTo("2026-01-01T00:00:00Z"))
                .body("termEnd", equalTo("2027-01-01T00:00:00Z"))
                .body("currentVersion", equalTo(1))
                .body("versions[0].effectiveFrom", equalTo("2026-01-01T00:00:00Z"))
                .body("versions[0].commitment.amount", equalTo("30000.000000000000"))
                .body("versions[0].commitment.period", equalTo("quarterly"))
                .body("versions[0].prepaidCredits", equalTo("5000.000000000000"))
                .body("versions[0].negotiatedRates[0].model", equalTo("gpt-4o"))
                .body("versions[0].negotiatedRates[0].kind", equalTo("discount_percent"))
                .body("versions[0].negotiatedRates[1].meter", equalTo("llm_tokens"))
                .body("versions[0].negotiatedRates[1].model", nullValue())
                .body("versions[0].minimums[0].period", equalTo("monthly"))
                .body("versions[0].customTerms", containsString("Net 30"))
                .body("versions[0].documentRef", equalTo("https://docs.example.com/msa-2026.pdf"))
                .body("transitions", hasSize(1))
                .body("transitions[0].toStatus", equalTo("draft"))
                .body("createdAt", equalTo("2026-03-15T10:00:00Z"));
    }

    @Test
    void listIsCursorPaginatedAndScopedToTheOrganisation() {
        List<String> created = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            created.add(createDraft(orgA, yearDraft()));
        }
        createDraft(orgB, yearDraft());
        List<String> seen = new ArrayList<>();
        String cursor = null;
        int pages = 0;
        do {
            var spec = as(orgA, Roles.MEMBER).queryParam("limit", 2);
            if (cursor != null) {
                spec = spec.queryParam("cursor", cursor);
            }
            var page = spec.when().get("/v1/orgs/{org}/contracts", orgA).then().statusCode(200).extract();
            seen.addAll(page.path("items.id"));
            cursor = page.path("nextCursor");
            pages++;
        } while (cursor != null);
        org.junit.jupiter.api.Assertions.assertEquals(created.stream().sorted().toList(),
                seen.stream().sorted().toList());
        org.junit.jupiter.api.Assertions.assertEquals(2, pages);
    }

    @Test
    void billingServiceAndOperatorReadAcrossOrganisations() {
        String id = createDraft(orgA, yearDraft());
        given().header("Authorization", TestTokens.as(Roles.BILLING_SERVICE).bearer())
                .when().get("/v1/orgs/{org}/contracts", orgA)
                .then().statusCode(200).body("items.id", hasItem(id));
        given().header("Authorization", TestTokens.as(Roles.PLATFORM_OPERATOR).bearer())
                .when().get("/v1/orgs/{org}/contracts/{id}", orgA, id)
                .then().statusCode(200).body("id", equalTo(id));
    }

    @Test
    void anotherOrganisationsContractIsNotFound() {
        String id = createDraft(orgB, yearDraft());
        admin(orgA).when().get("/v1/orgs/{org}/contracts/{id}", orgB, id)
                .then().statusCode(404).contentType(PROBLEM).body("code", equalTo("organisation_not_found"));
        // and through the caller's own organisation path, the id of another organisation does not exist
        admin(orgA).when().get("/v1/orgs/{org}/contracts/{id}", orgA, id)
                .then().statusCode(404).contentType(PROBLEM).body("code", equalTo("contract_not_found"));
        admin(orgA).body(yearDraft()).when().post("/v1/orgs/{org}/contracts", orgB)
                .then().statusCode(404).body("code", equalTo("organisation_not_found"));
        assertNoContracts(orgB, 1);
    }

    @Test
    void missingForgedAndExpiredTokensAreUnauthenticated() {
        given().when().get("/v1/orgs/{org}/contracts", orgA)
                .then().statusCode(401).contentType(PROBLEM).header("WWW-Authenticate", containsString("Bearer"))
                .body("code", equalTo("unauthenticated"));
        given().header("Authorization", TestTokens.as(Roles.OWNER).org(orgA).forged().bearer())
                .when().get("/v1/orgs/{org}/contracts", orgA).then().statusCode(401).contentType(PROBLEM);
        given().header("Authorization", TestTokens.as(Roles.OWNER).org(orgA).expired().bearer())
                .contentType(ContentType.JSON).body(yearDraft())
                .when().post("/v1/orgs/{org}/contracts", orgA).then().statusCode(401).contentType(PROBLEM);
        assertNoContracts(orgA, 0);
    }

    @Test
    void memberAndUsageReporterMayNotDraft() {
        as(orgA, Roles.MEMBER).body(yearDraft()).when().post("/v1/orgs/{org}/contracts", orgA)
                .then().statusCode(403).contentType(PROBLEM).body("code", equalTo("forbidden"));
        as(orgA, Roles.USAGE_REPORTER).body(yearDraft()).when().post("/v1/orgs/{org}/contracts", orgA)
                .then().statusCode(403).contentType(PROBLEM);
        as(orgA, Roles.USAGE_REPORTER).when().get("/v1/orgs/{org}/contracts", orgA)
                .then().statusCode(403).contentType(PROBLEM);
        given().header("Authorization", TestTokens.as(Roles.BILLING_SERVICE).bearer())
                .contentType(ContentType.JSON).body(yearDraft()).when().post("/v1/orgs/{org}/contracts", orgA)
                .then().statusCode(403);
        assertNoContracts(orgA, 0);
    }

    @Test
    void ownerDrafts() {
        given().header("Authorization", TestTokens.as(Roles.OWNER).org(orgA).subject("alice").bearer())
                .contentType(ContentType.JSON).body(yearDraft()).when().post("/v1/orgs/{org}/contracts", orgA)
                .then().statusCode(201).body("createdBy", equalTo("alice"))
                .body("transitions[0].actor", equalTo("alice"));
    }

    @Test
    void invalidFieldsAnswer422WithViolationsAndPersistNothing() {
        admin(orgA).body("""
                {"currency":"dollars","termStart":"2026-01-01T00:00:00Z","termEnd":"2027-01-01T00:00:00Z",
                 "commitment":{"amount":"-5","period":"weekly"}}""")
                .when().post("/v1/orgs/{org}/contracts", orgA)
                .then().statusCode(422).contentType(PROBLEM)
                .body("code", equalTo("validation_failed"))
                .body("violations.field", hasItem(containsString("currency")))
                .body("violations.field", hasItem(containsString("commitment.amount")))
                .body("violations.field", hasItem(containsString("commitment.period")));
        assertNoContracts(orgA, 0);
    }

    @Test
    void crossFieldRulesAnswer422WithStableCodes() {
        admin(orgA).body(ContractFixturesBodies.withRates(
                "[{\"model\":\"a\",\"meter\":\"b\",\"kind\":\"discount_percent\",\"value\":\"5\"}]"))
                .when().post("/v1/orgs/{org}/contracts", orgA)
                .then().statusCode(422).contentType(PROBLEM).body("code", equalTo("invalid_rate"))
                .body("violations[0].field", equalTo("negotiatedRates[0]"));
        admin(orgA).body(ContractFixturesBodies.withRates(
                "[{\"model\":\"a\",\"kind\":\"discount_percent\",\"value\":\"150\"}]"))
                .when().post("/v1/orgs/{org}/contracts", orgA)
                .then().statusCode(422).body("code", equalTo("invalid_rate"));
        // a rate for a meter invoice-service does not bill would be stored and ignored: refused
        admin(orgA).body(ContractFixturesBodies.withRates(
                "[{\"meter\":\"images\",\"kind\":\"discount_percent\",\"value\":\"5\"}]"))
                .when().post("/v1/orgs/{org}/contracts", orgA)
                .then().statusCode(422).body("code", equalTo("invalid_rate"))
                .body("violations[0].field", equalTo("negotiatedRates[0].meter"));
        admin(orgA).body(ContractFixturesBodies.withRates(
                "[{\"model\":\"a\",\"kind\":\"discount_percent\",\"value\":\"5\"},{\"model\":\"a\",\"kind\":\"fixed_unit_price\",\"value\":\"0.1\"}]"))
                .when().post("/v1/orgs/{org}/contracts", orgA)
                .then().statusCode(422).body("code", equalTo("duplicate_rate"));
        admin(orgA).body(yearDraft().replace("\"USD\"", "\"XYZ\""))
                .when().post("/v1/orgs/{org}/contracts", orgA)
                .then().statusCode(422).body("code", equalTo("unknown_currency"));
        admin(orgA).body(yearDraft().replace("2027-01-01T00:00:00Z", "2025-01-01T00:00:00Z"))
                .when().post("/v1/orgs/{org}/contracts", orgA)
                .then().statusCode(422).body("code", equalTo("invalid_term"));
        assertNoContracts(orgA, 0);
    }

    @Test
    void unknownFieldAndMalformedJsonAre400() {
        admin(orgA).body(yearDraft().replace("\"currency\"", "\"discountCode\":\"x\",\"currency\""))
                .when().post("/v1/orgs/{org}/contracts", orgA)
                .then().statusCode(400).contentType(PROBLEM).body("code", equalTo("unknown_field"))
                .body("violations[0].field", equalTo("discountCode"));
        admin(orgA).body("{\"currency\": ").when().post("/v1/orgs/{org}/contracts", orgA)
                .then().statusCode(400).contentType(PROBLEM).body("code", equalTo("malformed_json"));
        assertNoContracts(orgA, 0);
    }

    @Test
    void badCursorAndLimitAre400() {
        as(orgA, Roles.MEMBER).queryParam("cursor", "bm9wZQ").when().get("/v1/orgs/{org}/contracts", orgA)
                .then().statusCode(400).contentType(PROBLEM).body("code", equalTo("invalid_cursor"));
        as(orgA, Roles.MEMBER).queryParam("limit", 0).when().get("/v1/orgs/{org}/contracts", orgA)
                .then().statusCode(400).body("code", equalTo("invalid_limit"));
    }

    private static void assertNoContracts(String org, int expected) {
        given().header("Authorization", TestTokens.as(Roles.PLATFORM_OPERATOR).bearer())
                .when().get("/v1/orgs/{org}/contracts", org)
                .then().statusCode(200).body("items", hasSize(expected));
    }

    /** Bodies that vary only the rates. */
    static final class ContractFixturesBodies {
        static String withRates(String rates) {
            return """
                    {"currency":"USD","termStart":"2026-01-01T00:00:00Z","termEnd":"2027-01-01T00:00:00Z",
                     "commitment":{"amount":"100","period":"annual"},"negotiatedRates":%s}""".formatted(rates);
        }
    }
}
