package io.accrue.invoice.invoices;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.contains;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.empty;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasSize;
import static org.hamcrest.Matchers.nullValue;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.UUID;

import jakarta.inject.Inject;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import io.accrue.common.security.Roles;
import io.accrue.testing.TestTokens;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;

@QuarkusTest
class InvoiceResourceTest {

    private static final String PROBLEM = "application/problem+json";

    @Inject
    InvoiceFixtures fixtures;

    private String orgA;
    private String orgB;

    @BeforeEach
    void organisations() {
        orgA = "org-a-" + UUID.randomUUID();
        orgB = "org-b-" + UUID.randomUUID();
    }

    @Test
    void emptyListHasTheFinalShape() {
        given().header("Authorization", TestTokens.bearer(orgA, Roles.MEMBER))
                .when().get("/v1/orgs/{org}/invoices", orgA)
                .then().statusCode(200)
                .body("items", empty())
                .body("hasMore", equalTo(false))
                .body("nextCursor", nullValue());
    }

    @Test
    void listShowsSummaryFieldsWithDecimalStrings() {
        Invoice inv = fixtures.insert(orgA, "open", month(2026, 1), month(2026, 2), "USD", "99.00", "7.50");
        given().header("Authorization", TestTokens.bearer(orgA, Roles.BILLING_ADMIN))
                .when().get("/v1/orgs/{org}/invoices", orgA)
                .then().statusCode(200)
                .body("items", hasSize(1))
                .body("items[0].id", equalTo(inv.id.toString()))
                .body("items[0].number", equalTo(inv.number))
                .body("items[0].status", equalTo("open"))
                .body("items[0].periodStart", equalTo("2026-01-01T00:00:00Z"))
                .body("items[0].periodEnd", equalTo("2026-02-01T00:00:00Z"))
                .body("items[0].currency", equalTo("USD"))
                .body("items[0].subtotal", equalTo("106.50"))
                .body("items[0].total", equalTo("106.50"))
                .body("items[0].issuedAt", equalTo("2026-02-01T00:00:00Z"))
                .body("items[0].finalisedAt", equalTo("2026-02-01T00:00:00Z"))
                .body("items[0].linesCount", equalTo(2));
    }

    @Test
    void zeroDecimalCurrencyKeepsItsScale() {
        fixtures.insert(orgA, "open", month(2026, 1), month(2026, 2), "JPY", "1200");
        given().header("Authorization", TestTokens.bearer(orgA, Roles.OWNER))
                .when().get("/v1/orgs/{org}/invoices", orgA)
                .then().statusCode(200).body("items[0].total", equalTo("1200"));
    }

    @Test
    void detailCarriesLinesInOrder() {
        Invoice inv = fixtures.insert(orgA, "open", month(2026, 1), month(2026, 2), "EUR", "99.00", "7.50");
        given().header("Authorization", TestTokens.bearer(orgA, Roles.MEMBER))
                .when().get("/v1/orgs/{org}/invoices/{id}", orgA, inv.id)
                .then().statusCode(200)
                .body("id", equalTo(inv.id.toString()))
                .body("total", equalTo("106.50"))
                .body("lines.position", contains(1, 2))
                .body("lines[0].type", equalTo("base_fee"))
                .body("lines[1].meter", equalTo("llm_tokens"))
                .body("lines[1].quantity", equalTo("2500"))
                .body("lines[1].unitAmount", equalTo("0.003"))
                .body("lines[1].amount", equalTo("7.50"));
    }

    @Test
    void anotherOrganisationsInvoicesAreNotFound() {
        Invoice ofB = fixtures.insert(orgB, "open", month(2026, 1), month(2026, 2), "USD", "10.00");
        given().header("Authorization", TestTokens.bearer(orgA, Roles.OWNER))
                .when().get("/v1/orgs/{org}/invoices", orgB)
                .then().statusCode(404).contentType(PROBLEM).body("code", equalTo("organisation_not_found"));
        given().header("Authorization", TestTokens.bearer(orgA, Roles.OWNER))
                .when().get("/v1/orgs/{org}/invoices/{id}", orgB, ofB.id)
                .then().statusCode(404).contentType(PROBLEM).body("code", equalTo("organisation_not_found"));
        // B's invoice id through A's own path: still not found, and nothing of B leaks
        given().header("Authorization", TestTokens.bearer(orgA, Roles.OWNER))
                .when().get("/v1/orgs/{org}/invoices/{id}", orgA, ofB.id)
                .then().statusCode(404).contentType(PROBLEM).body("code", equalTo("invoice_not_found"))
                .body("total", nullValue());
    }

    @Test
    void unknownOrMalformedInvoiceIdIsNotFound() {
        given().header("Authorization", TestTokens.bearer(orgA, Roles.OWNER))
                .when().get("/v1/orgs/{org}/invoices/{id}", orgA, "not-a-uuid")
                .then().statusCode(404).contentType(PROBLEM).body("code", equalTo("invoice_not_found"));
    }

    @Test
    void operatorAndServiceReadAcrossOrganisations() {
        fixtures.insert(orgB, "open", month(2026, 1), month(2026, 2), "USD", "10.00");
        given().header("Authorization", TestTokens.as(Roles.PLATFORM_OPERATOR).bearer())
                .when().get("/v1/orgs/{org}/invoices", orgB).then().statusCode(200).body("items", hasSize(1));
        given().header("Authorization", TestTokens.as(Roles.BILLING_SERVICE).bearer())
                .when().get("/v1/orgs/{org}/invoices", orgB).then().statusCode(200).body("items", hasSize(1));
    }

    @Test
    void tokensAreChecked() {
        given().when().get("/v1/orgs/{org}/invoices", orgA)
                .then().statusCode(401).contentType(PROBLEM)
                .header("WWW-Authenticate", containsString("Bearer"))
                .body("code", equalTo("unauthenticated"));
        given().header("Authorization", TestTokens.as(Roles.OWNER).org(orgA).forged().bearer())
                .when().get("/v1/orgs/{org}/invoices", orgA)
                .then().statusCode(401).contentType(PROBLEM).body("code", equalTo("unauthenticated"));
        given().header("Authorization", TestTokens.as(Roles.OWNER).org(orgA).expired().bearer())
                .when().get("/v1/orgs/{org}/invoices", orgA)
                .then().statusCode(401).contentType(PROBLEM).body("code", equalTo("unauthenticated"));
        given().header("Authorization", TestTokens.bearer(orgA, Roles.USAGE_REPORTER))
                .when().get("/v1/orgs/{org}/invoices", orgA)
                .then().statusCode(403).contentType(PROBLEM).body("code", equalTo("forbidden"));
    }

    @Test
    void badQueryParametersAre400Problems() {
        String bearer = TestTokens.bearer(orgA, Roles.OWNER);
        given().header("Authorization", bearer).queryParam("cursor", "garbage!")
                .when().get("/v1/orgs/{org}/invoices", orgA)
                .then().statusCode(400).contentType(PROBLEM).body("code", equalTo("invalid_cursor"));
        // well-formed base64 of the wrong content is refused too
        given().header("Authorization", bearer)
                .queryParam("cursor", io.accrue.common.paging.Cursors.encode("yesterday", "not-a-uuid"))
                .when().get("/v1/orgs/{org}/invoices", orgA)
                .then().statusCode(400).contentType(PROBLEM).body("code", equalTo("invalid_cursor"));
        given().header("Authorization", bearer).queryParam("limit", 0)
                .when().get("/v1/orgs/{org}/invoices", orgA)
                .then().statusCode(400).contentType(PROBLEM).body("code", equalTo("invalid_limit"));
        given().header("Authorization", bearer).queryParam("status", "settled")
                .when().get("/v1/orgs/{org}/invoices", orgA)
                .then().statusCode(400).contentType(PROBLEM).body("code", equalTo("invalid_value"));
        given().header("Authorization", bearer).queryParam("periodFrom", "March")
                .when().get("/v1/orgs/{org}/invoices", orgA)
                .then().statusCode(400).contentType(PROBLEM).body("code", equalTo("invalid_value"));
    }

    @Test
    void filtersByStatusAndPeriod() {
        fixtures.insert(orgA, "paid", month(2025, 11), month(2025, 12), "USD", "1.00");
        fixtures.insert(orgA, "open", month(2025, 12), month(2026, 1), "USD", "2.00");
        fixtures.insert(orgA, "open", month(2026, 1), month(2026, 2), "USD", "3.00");
        String bearer = TestTokens.bearer(orgA, Roles.OWNER);
        given().header("Authorization", bearer).queryParam("status", "open")
                .when().get("/v1/orgs/{org}/invoices", orgA)
                .then().statusCode(200).body("items.total", contains("3.00", "2.00"));
        given().header("Authorization", bearer)
                .queryParam("periodFrom", "2025-12-01T00:00:00Z").queryParam("periodTo", "2026-01-01T00:00:00Z")
                .when().get("/v1/orgs/{org}/invoices", orgA)
                .then().statusCode(200).body("items.total", contains("2.00"));
    }

    @Test
    void paginationNeitherSkipsNorRepeatsWhileRowsAreInserted() {
        List<String> original = new ArrayList<>();
        for (int m = 1; m <= 7; m++) {
            original.add(
                    fixtures.insert(orgA, "open", month(2025, m), month(2025, m + 1), "USD", "1.00").id.toString());
        }
        String bearer = TestTokens.bearer(orgA, Roles.OWNER);
        List<String> seen = new ArrayList<>();
        JsonPath page = given().header("Authorization", bearer).queryParam("limit", 3)
                .when().get("/v1/orgs/{org}/invoices", orgA).then().statusCode(200).extract().jsonPath();
        seen.addAll(page.getList("items.id"));
        assertTrue(page.getBoolean("hasMore"));

        // between pages: one invoice newer than everything shown, one older than the cursor
        fixtures.insert(orgA, "draft", month(2026, 1), month(2026, 2), "USD", "1.00");
        String older = fixtures.insert(orgA, "draft", month(2024, 12), month(2025, 1), "USD", "1.00").id.toString();

        int pages = 1;
        while (page.getBoolean("hasMore")) {
            page = given().header("Authorization", bearer).queryParam("limit", 3)
                    .queryParam("cursor", page.getString("nextCursor"))
                    .when().get("/v1/orgs/{org}/invoices", orgA).then().statusCode(200).extract().jsonPath();
            seen.addAll(page.getList("items.id"));
            pages++;
        }
        assertEquals(seen.size(), new HashSet<>(seen).size(), "no invoice repeated: " + seen);
        assertTrue(seen.containsAll(original), "no invoice skipped");
        assertTrue(seen.contains(older), "a row inserted behind the cursor is reached");
        assertEquals(8, seen.size());
        assertEquals(3, pages);
        assertNull(page.getString("nextCursor"));
    }

    private static Instant month(int year, int month) {
        int y = year + (month - 1) / 12;
        int m = (month - 1) % 12 + 1;
        return LocalDate.of(y, m, 1).atStartOfDay().toInstant(ZoneOffset.UTC);
    }

    @Test
    void operatorListsAcrossOrganisationsAndFiltersByOrganisation() {
        fixtures.insert(orgA, "open", month(2026, 1), month(2026, 2), "USD", "1.00");
        Invoice ofB = fixtures.insert(orgB, "paid", month(2026, 1), month(2026, 2), "USD", "2.00");
        given().header("Authorization", TestTokens.as(Roles.PLATFORM_OPERATOR).bearer())
                .queryParam("orgId", orgB)
                .when().get("/v1/invoices")
                .then().statusCode(200).body("items.id", contains(ofB.id.toString()));
        given().header("Authorization", TestTokens.as(Roles.PLATFORM_OPERATOR).bearer())
                .queryParam("status", "paid").queryParam("limit", 200)
                .when().get("/v1/invoices")
                .then().statusCode(200).body("items.status", org.hamcrest.Matchers.everyItem(equalTo("paid")));
        // an organisation's own roles cannot list across organisations
        given().header("Authorization", TestTokens.bearer(orgA, Roles.OWNER))
                .when().get("/v1/invoices")
                .then().statusCode(403).contentType(PROBLEM).body("code", equalTo("forbidden"));
    }
}
