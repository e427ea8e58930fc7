package io.accrue.invoice.invoices;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Instant;
import java.util.UUID;

import jakarta.inject.Inject;

import org.junit.jupiter.api.Test;

import com.lowagie.text.pdf.PdfReader;
import com.lowagie.text.pdf.parser.PdfTextExtractor;

import io.accrue.common.security.Roles;
import io.accrue.testing.TestTokens;
import io.quarkus.test.junit.QuarkusTest;

@QuarkusTest
class InvoiceDocumentsTest {

    @Inject
    InvoiceFixtures fixtures;

    @Test
    void pdfCarriesNumberPeriodLinesAndTotal() throws Exception {
        String org = "doc-" + UUID.randomUUID();
        Invoice inv = fixtures.insert(org, "open", Instant.parse("2026-01-01T00:00:00Z"),
                Instant.parse("2026-02-01T00:00:00Z"), "EUR", "99.00", "7.50");
        byte[] pdf = given().header("Authorization", TestTokens.bearer(org, Roles.MEMBER))
                .when().get("/v1/orgs/{org}/invoices/{id}/pdf", org, inv.id)
                .then().statusCode(200).contentType("application/pdf")
                .header("Content-Disposition", containsString(inv.number + ".pdf"))
                .extract().asByteArray();
        assertEquals("%PDF", new String(pdf, 0, 4));
        PdfReader reader = new PdfReader(pdf);
        String text = new PdfTextExtractor(reader).getTextFromPage(1);
        reader.close();
        assertTrue(text.contains("Invoice"), text);
        assertTrue(text.contains(inv.number), text);
        assertTrue(text.contains("1 Jan 2026 – 31 Jan 2026"), text);
        assertTrue(text.contains("Pro plan"), text);
        assertTrue(text.contains("0.003"), text);
        assertTrue(text.contains("106.50"), text);
        assertTrue(text.contains("Total EUR"), text);
    }

    @Test
    void csvHasOneRowPerLineAndDefusesFormulas() {
        String org = "csv-" + UUID.randomUUID();
        Invoice inv = fixtures.insert(org, "open", Instant.parse("2026-01-01T00:00:00Z"),
                Instant.parse("2026-02-01T00:00:00Z"), "USD", "99.00", "7.50");
        String csv = given().header("Authorization", TestTokens.bearer(org, Roles.BILLING_ADMIN))
                .when().get("/v1/orgs/{org}/invoices/{id}/lines.csv", org, inv.id)
                .then().statusCode(200).contentType(containsString("text/csv")).extract().asString();
        String[] rows = csv.split("\r\n");
        assertEquals(3, rows.length, csv);
        assertEquals(io.accrue.invoice.document.LinesCsv.HEADER, rows[0]);
        assertTrue(rows[1].startsWith(inv.number + ",1,base_fee,Pro plan,,,1,99,99.00,USD,2026-01-01T00:00:00Z"),
                rows[1]);
        assertTrue(rows[2].contains(",overage,LLM tokens above allowance,llm_tokens,,2500,0.003,7.50,USD,"), rows[2]);
        assertEquals("'=cmd()", io.accrue.invoice.document.LinesCsv.field("=cmd()"));
        assertEquals("\"a, \"\"b\"\"\"", io.accrue.invoice.document.LinesCsv.field("a, \"b\""));
    }

    @Test
    void documentsOfAnotherOrganisationAreNotFound() {
        String org = "doc-" + UUID.randomUUID();
        Invoice inv = fixtures.insert(org, "open", Instant.parse("2026-01-01T00:00:00Z"),
                Instant.parse("2026-02-01T00:00:00Z"), "USD", "1.00");
        given().header("Authorization", TestTokens.bearer("someone-else", Roles.OWNER))
                .when().get("/v1/orgs/{org}/invoices/{id}/pdf", org, inv.id)
                .then().statusCode(404).body("code", equalTo("organisation_not_found"));
        given().header("Authorization", TestTokens.bearer("someone-else", Roles.OWNER))
                .when().get("/v1/orgs/{org}/invoices/{id}/lines.csv", "someone-else", inv.id)
                .then().statusCode(404).body("code", equalTo("invoice_not_found"));
        given().when().get("/v1/orgs/{org}/invoices/{id}/pdf", org, inv.id).then().statusCode(401);
    }
}
