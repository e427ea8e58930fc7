package io.accrue.invoice.invoices;

import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Instant;
import java.util.List;
import java.util.UUID;

import jakarta.inject.Inject;
import jakarta.persistence.EntityManager;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import com.github.tomakehurst.wiremock.client.WireMock;
import com.lowagie.text.pdf.PdfReader;
import com.lowagie.text.pdf.parser.PdfTextExtractor;

import io.accrue.common.security.Roles;
import io.accrue.common.time.AdjustableClock;
import io.accrue.invoice.StandInsResource;
import io.accrue.invoice.run.BillingRunService;
import io.accrue.invoice.run.BillingRunWorker;
import io.accrue.invoice.run.Neighbours;
import io.accrue.testing.TestTokens;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.test.junit.QuarkusTest;
import io.smallrye.faulttolerance.api.CircuitBreakerMaintenance;

/** An issued invoice keeps the bill-to it was issued with; an edit of the account changes only later invoices. */
@QuarkusTest
class BillToSnapshotTest {

    static final Instant NOW = Instant.parse("2026-03-15T10:00:00Z");

    @Inject
    BillingRunService runs;
    @Inject
    BillingRunWorker worker;
    @Inject
    EntityManager em;
    @Inject
    AdjustableClock clock;
    @Inject
    CircuitBreakerMaintenance breakers;
    @Inject
    InvoiceFixtures fixtures;

    @AfterEach
    void restoreClock() {
        clock.set(NOW);
    }

    @Test
    void theIssuedInvoiceKeepsItsBillToAndLaterInvoicesTakeTheEdit() throws Exception {
        breakers.resetAll();
        Neighbours.reset();
        String org = "billto-" + UUID.randomUUID().toString().substring(0, 8);
        Neighbours.proAccount(org, 1_002_500, 105);
        Neighbours.accounts(List.of(org));
        account(org, "Before Labs GmbH", "Torstrasse 1", "DE 111111111");
        var run = runs.start(Instant.parse("2026-03-05T00:00:00Z").plusNanos(System.nanoTime() % 1_000_000_000L),
                "test");
        worker.drive(run.id(), Integer.MAX_VALUE);
        Invoice first = only(invoices(org));
        assertTrue(first.billToRecorded);
        assertEquals("Before Labs GmbH", first.billToName);

        // the finance team moves and renames the company after the invoice was issued
        account(org, "After Labs AG", "Bahnhofstrasse 9", "CHE-222.222.222");
        String issued = pdfText(org, first.id);
        assertTrue(issued.contains("Before Labs GmbH") && issued.contains("Torstrasse 1")
                && issued.contains("DE 111111111"), issued);
        assertFalse(issued.contains("After Labs"), issued);

        // a credit note corrects the invoice as it was addressed
        String note = given().header("Authorization", TestTokens.as(Roles.PLATFORM_OPERATOR).bearer())
                .contentType("application/json").body("{\"reason\":\"goodwill\",\"lines\":[{\"position\":1}]}")
                .when().post("/v1/orgs/{org}/invoices/{id}/credit-notes", org, first.id)
                .then().statusCode(201).extract().path("id");
        String noteText = pdfText(org, UUID.fromString(note));
        assertTrue(noteText.contains("Before Labs GmbH"), noteText);

        // the next period's invoice is issued to the account as it is now
        clock.set(Instant.parse("2026-04-10T10:00:00Z"));
        StandInsResource.neighbours()
                .stubFor(WireMock.get(WireMock.urlPathEqualTo("/v1/accounts/" + org + "/subscription"))
                        .atPriority(1).willReturn(WireMock.okJson("""
                                {"status":"active","currentPeriodStart":"2026-04-01T00:00:00Z",
                                 "currentPeriodEnd":"2026-05-01T00:00:00Z","cancelAtPeriodEnd":false,"currency":"USD",
                                 "plan":%s}""".formatted(Neighbours.PRO_PLAN))));
        var next = runs.start(Instant.parse("2026-04-05T00:00:00Z").plusNanos(System.nanoTime() % 1_000_000_000L),
                "test");
        worker.drive(next.id(), Integer.MAX_VALUE);
        Invoice later = invoices(org).stream().filter(i -> i.kind.equals(Invoice.KIND_INVOICE))
                .filter(i -> !i.id.equals(first.id)).findFirst().orElseThrow();
        String laterText = pdfText(org, later.id);
        assertTrue(laterText.contains("After Labs AG") && laterText.contains("Bahnhofstrasse 9")
                && laterText.contains("CHE-222.222.222"), laterText);
        assertTrue(pdfText(org, first.id).contains("Before Labs GmbH"), "still as issued");
        if (System.getProperty("invoice.pdf.sample") != null) {
            java.nio.file.Files.write(java.nio.file.Path.of(System.getProperty("invoice.pdf.sample")),
                    given().header("Authorization", TestTokens.bearer(org, Roles.MEMBER))
                            .when().get("/v1/orgs/{org}/invoices/{id}/pdf", org, first.id)
                            .then().statusCode(200).extract().asByteArray());
        }

        // the database itself refuses to readdress a finalised invoice
        assertThrows(RuntimeException.class, () -> QuarkusTransaction.requiringNew().run(() -> em
                .createNativeQuery("UPDATE invoices SET bill_to_name = 'Someone Else' WHERE id = ?1")
                .setParameter(1, first.id).executeUpdate()));
    }

    @Test
    void anInvoiceIssuedBeforeTheSnapshotReadsTheAccountAtDownload() throws Exception {
        breakers.resetAll();
        String org = "legacy-" + UUID.randomUUID().toString().substring(0, 8);
        account(org, "Legacy Ltd", "1 High Street", "GB 333333333");
        Invoice inv = fixtures.insert(org, "open", Instant.parse("2026-01-01T00:00:00Z"),
                Instant.parse("2026-02-01T00:00:00Z"), "EUR", "99.00");
        assertFalse(inv.billToRecorded);
        String text = pdfText(org, inv.id);
        assertTrue(text.contains("Legacy Ltd") && text.contains("1 High Street"), text);
    }

    private static void account(String org, String legalName, String street, String taxId) {
        StandInsResource.neighbours().stubFor(WireMock.get(WireMock.urlPathEqualTo("/v1/accounts/" + org))
                .atPriority(1).willReturn(WireMock.okJson("""
                        {"orgId":"%s","name":"Display","currency":"USD","timeZone":"UTC","planSlug":"pro",
                         "stripeCustomerId":"cus_%s","meteredEnabled":false,"createdAt":"2025-12-01T00:00:00Z",
                         "billingDetails":{"legalName":"%s","taxId":"%s","address":{"line1":"%s","line2":null,
                         "city":"Berlin","postalCode":"10119","region":null,"country":"DE"}}}"""
                        .formatted(org, org.replace("-", ""), legalName, taxId, street))));
    }

    private List<Invoice> invoices(String org) {
        return QuarkusTransaction.requiringNew().call(() -> em.createQuery(
                "select i from Invoice i where i.orgId = :o order by i.createdAt", Invoice.class)
                .setParameter("o", org).getResultList());
    }

    private static <T> T only(List<T> items) {
        assertEquals(1, items.size(), String.valueOf(items));
        return items.getFirst();
    }

    private static String pdfText(String org, UUID id) throws Exception {
        byte[] pdf = given().header("Authorization", TestTokens.bearer(org, Roles.MEMBER))
                .when().get("/v1/orgs/{org}/invoices/{id}/pdf", org, id)
                .then().statusCode(200).contentType("application/pdf").extract().asByteArray();
        PdfReader reader = new PdfReader(pdf);
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
}
