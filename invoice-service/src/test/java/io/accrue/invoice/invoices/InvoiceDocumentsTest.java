package io.accrue.invoice.invoices;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Instant;
import java.util.UUID;

import jakarta.inject.Inject;
import jakarta.persistence.EntityManager;

import org.junit.jupiter.api.Test;

import com.github.tomakehurst.wiremock.client.WireMock;
import com.lowagie.text.pdf.PdfReader;
import com.lowagie.text.pdf.parser.PdfTextExtractor;

import io.accrue.common.security.Roles;
import io.accrue.invoice.StandInsResource;
import io.accrue.testing.TestTokens;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.test.junit.QuarkusTest;
import io.smallrye.faulttolerance.api.CircuitBreakerMaintenance;

@QuarkusTest
class InvoiceDocumentsTest {

    @Inject
    InvoiceFixtures fixtures;

    @Inject
    EntityManager em;

    @Inject
    CircuitBreakerMaintenance breakers;

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
    void pdfIsAddressedAsAFinanceTeamFilesIt() throws Exception {
        breakers.resetAll();
        String org = "fin-" + UUID.randomUUID().toString().substring(0, 8);
        StandInsResource.neighbours().stubFor(WireMock.get(WireMock.urlPathEqualTo("/v1/accounts/" + org))
                .willReturn(WireMock.okJson("""
                        {"orgId":"%s","name":"Fin Display","currency":"EUR","timeZone":"UTC","planSlug":"pro",
                         "stripeCustomerId":"cus_fin","meteredEnabled":false,"createdAt":"2026-01-01T00:00:00Z",
                         "billingDetails":{"legalName":"Fin Labs GmbH","taxId":"DE 123456789","address":{
                         "line1":"Torstrasse 1","line2":"Hinterhaus","city":"Berlin","postalCode":"10119",
                         "region":null,"country":"DE"}}}""".formatted(org))));
        Invoice inv = fixtures.insert(org, "open", Instant.parse("2026-01-01T00:00:00Z"),
                Instant.parse("2026-02-01T00:00:00Z"), "EUR", "99.00", "7.50");
        String stripeId = "in_fin" + inv.id.toString().substring(0, 8);
        QuarkusTransaction.requiringNew().run(() -> em.createNativeQuery(
                "UPDATE invoices SET stripe_invoice_id = ?1 WHERE id = ?2").setParameter(1, stripeId)
                .setParameter(2, inv.id).executeUpdate());
        StandInsResource.stripe().stubFor(WireMock.get(WireMock.urlPathEqualTo("/v1/invoices/" + stripeId))
                .willReturn(WireMock.okJson("""
                        {"id":"%s","object":"invoice","status":"open",
                         "hosted_invoice_url":"https://invoice.stripe.com/i/acct_1/%s"}""".formatted(stripeId,
                        stripeId))));
        String creditNote = given().header("Authorization", TestTokens.as(Roles.PLATFORM_OPERATOR).bearer())
                .contentType("application/json").body("{\"reason\":\"goodwill\",\"lines\":[{\"position\":2}]}")
                .when().post("/v1/orgs/{org}/invoices/{id}/credit-notes", org, inv.id)
                .then().statusCode(201).extract().path("id");

        String text = pdfText(org, inv.id.toString());
        assertTrue(text.contains("Fin Labs GmbH"), text);
        assertTrue(text.contains("Torstrasse 1") && text.contains("10119 Berlin") && text.contains("DE"), text);
        assertTrue(text.contains("Tax id: DE 123456789"), text);
        assertTrue(text.contains("Issue date") && text.contains("1 Feb 2026"), text);
        assertTrue(text.contains("Due date"), text);
        assertTrue(text.contains("Due on receipt; charged automatically"), text);
        assertTrue(text.contains("https://invoice.stripe.com/i/acct_1/" + stripeId), text);
        assertTrue(text.contains("Credit notes issued against this invoice") && text.contains("CN-"), text);

        String note = pdfText(org, creditNote);
        assertTrue(note.contains("Credit note CN-"), note);
        assertTrue(note.contains("Credits invoice") && note.contains(inv.number), note);
        assertFalse(note.contains("Pay online"), "a credit note has no payment link: " + note);
        if (System.getProperty("invoice.pdf.sample") != null) {
            java.nio.file.Files.write(java.nio.file.Path.of(System.getProperty("invoice.pdf.sample")),
                    pdf(org, inv.id.toString()));
        }
    }

    @Test
    void pdfRendersWhenTheAccountCannotBeRead() throws Exception {
        breakers.resetAll();
        String org = "gone-" + UUID.randomUUID().toString().substring(0, 8);
        StandInsResource.neighbours().stubFor(WireMock.get(WireMock.urlPathEqualTo("/v1/accounts/" + org))
                .willReturn(WireMock.aResponse().withStatus(503)));
        Invoice inv = fixtures.insert(org, "open", Instant.parse("2026-01-01T00:00:00Z"),
                Instant.parse("2026-02-01T00:00:00Z"), "USD", "5.00");
        String text = pdfText(org, inv.id.toString());
        assertTrue(text.contains("Organisation " + org), text);
        assertTrue(text.contains("billing details unavailable"), text);
        assertFalse(text.contains("Pay online"), "not sent to Stripe: no payment link: " + text);
    }

    private static byte[] pdf(String org, String id) {
        return given().header("Authorization", TestTokens.bearer(org, Roles.MEMBER))
                .when().get("/v1/orgs/{org}/invoices/{id}/pdf", org, id)
                .then().statusCode(200).contentType("application/pdf").extract().asByteArray();
    }

    private static String pdfText(String org, String id) throws Exception {
        PdfReader reader = new PdfReader(pdf(org, id));
        try {
            StringBuilder text = new StringBuilder();
            for (int page = 1; page <= reader.getNumberOfPages(); page++) {
                text.append(new PdfTextExtractor(reader).getTextFromPage(page)).append('\n');
            }
            return text.toString();
        } finally {
            reader.close();
        }
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
