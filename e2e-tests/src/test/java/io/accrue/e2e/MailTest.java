package io.accrue.e2e;

import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import jakarta.mail.Address;
import jakarta.mail.Part;
import jakarta.mail.internet.InternetAddress;
import jakarta.mail.internet.MimeMessage;
import jakarta.mail.internet.MimeMultipart;

import org.awaitility.Awaitility;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import io.restassured.http.ContentType;

/**
 * Issue 20 point 3 on the real suite: a period close makes an invoice, invoice-service's {@code invoice.finalized}
 * reaches subscription-service through its outbox, and the billing contact that asked for invoices receives the
 * "invoice issued" mail with the invoice PDF attached, read back from the stack's SMTP server; a contact that did not
 * ask receives nothing, and the mail log shows it sent.
 */
class MailTest {

    private static final String ORG = "mail-" + UUID.randomUUID().toString().substring(0, 8);
    private static final String PLAN = "flat-" + ORG;
    private static final String BILLING = "billing@" + ORG + ".example";
    private static final String ENGINEER = "engineer@" + ORG + ".example";
    private static String admin;

    @BeforeAll
    static void suite() {
        Suite.stack();
        admin = Suite.token("admin@" + ORG, ORG, "billing-admin");
    }

    @Test
    void aPeriodCloseMailsTheInvoiceWithItsPdfToTheContactThatAskedForInvoices() throws Exception {
        given().auth().oauth2(Suite.operatorToken()).contentType(ContentType.JSON)
                .body(Map.of("orgId", ORG, "name", "Mail Labs", "currency", "USD", "timeZone", "UTC"))
                .post(Suite.url("subscription-service") + "/v1/accounts").then().statusCode(201);
        given().auth().oauth2(Suite.operatorToken()).contentType(ContentType.JSON)
                .body(Map.of("slug", PLAN, "name", "Flat", "tier", "pro", "billingModel", "flat", "interval", "month",
                        "basePrices", Map.of("USD", new BigDecimal("100.00")), "allowances", Map.of(),
                        "overage", List.of(), "stripePriceIds", Map.of("base", "price_team_base")))
                .post(Suite.url("subscription-service") + "/v1/plans").then().statusCode(201);
        for (var contact : List.of(Map.of("name", "Billing", "email", BILLING, "receivesInvoices", true),
                Map.of("name", "Engineer", "email", ENGINEER, "receivesUsageAlerts", true))) {
            given().auth().oauth2(admin).contentType(ContentType.JSON).body(contact)
                    .post(Suite.url("subscription-service") + "/v1/accounts/{org}/contacts", ORG).then()
                    .statusCode(201);
        }
        given().auth().oauth2(admin).contentType(ContentType.JSON)
                .body(Map.of("senderName", "Mail Labs Billing", "replyTo", "accounts@" + ORG + ".example"))
                .put(Suite.url("subscription-service") + "/v1/accounts/{org}/mail-settings", ORG).then()
                .statusCode(200);
        Instant periodEnd = Instant.parse(given().auth().oauth2(admin).contentType(ContentType.JSON)
                .body(Map.of("planSlug", PLAN, "timing", "now"))
                .post(Suite.url("subscription-service") + "/v1/accounts/{org}/subscription/plan-change", ORG)
                .then().statusCode(200).extract().path("subscription.currentPeriodEnd"));

        PeriodClose.moveClocks(periodEnd.plus(Duration.ofHours(1)));
        PeriodClose.run();
        var invoice = given().auth().oauth2(admin)
                .get(Suite.url("invoice-service") + "/v1/orgs/{org}/invoices", ORG).then().statusCode(200)
                .extract().jsonPath();
        assertEquals(1, invoice.getList("items").size(), "the period closed into one invoice");
        String number = invoice.getString("items[0].number");
        String total = invoice.getString("items[0].total");

        // invoice-service's outbox (5 s) → subscription-service's mail outbox → its sender (1 s) → SMTP
        Awaitility.await("the invoice mail at the SMTP server").atMost(Duration.ofSeconds(120))
                .pollInterval(Duration.ofMillis(500)).until(() -> !to(BILLING).isEmpty());
        List<MimeMessage> got = to(BILLING);
        assertEquals(1, got.size());
        MimeMessage mail = got.get(0);
        assertEquals("Invoice " + number + " for Mail Labs: " + total + " USD", mail.getSubject());
        InternetAddress from = (InternetAddress) mail.getFrom()[0];
        assertEquals("Mail Labs Billing", from.getPersonal());
        assertEquals("accounts@" + ORG + ".example", ((InternetAddress) mail.getReplyTo()[0]).getAddress());
        List<Part> attachments = new ArrayList<>();
        StringBuilder text = new StringBuilder();
        walk(mail, attachments, text);
        assertTrue(text.toString().contains("invoice " + number + " for Mail Labs has been issued"), text.toString());
        assertEquals(1, attachments.size());
        Part pdf = attachments.get(0);
        assertEquals("invoice-" + number.replaceAll("[^A-Za-z0-9_-]", "_") + ".pdf", pdf.getFileName());
        assertTrue(pdf.isMimeType("application/pdf"), pdf.getContentType());
        byte[] bytes = pdf.getInputStream().readAllBytes();
        assertTrue(new String(bytes, 0, 5, StandardCharsets.US_ASCII).equals("%PDF-"), "a PDF document");

        var log = given().auth().oauth2(Suite.token("member@" + ORG, ORG, "member"))
                .get(Suite.url("subscription-service") + "/v1/accounts/{org}/mails", ORG).then().statusCode(200)
                .extract().jsonPath();
        assertEquals(List.of("invoice_issued"), log.getList("items.type"));
        assertEquals(List.of("sent"), log.getList("items.status"));
        assertEquals(List.of(BILLING), log.getList("items[0].recipients"));
        assertEquals(List.of(pdf.getFileName()), log.getList("items[0].attachments"));
        assertEquals(List.of(), to(ENGINEER), "a contact that did not ask for invoices gets none");
    }

    /** What the stack's SMTP server received for one address. */
    private static List<MimeMessage> to(String address) throws Exception {
        List<MimeMessage> found = new ArrayList<>();
        for (MimeMessage m : Suite.stack().mailServer().received()) {
            for (Address a : m.getAllRecipients()) {
                if (((InternetAddress) a).getAddress().equalsIgnoreCase(address)) {
                    found.add(m);
                }
            }
        }
        return found;
    }

    private static void walk(Part p, List<Part> attachments, StringBuilder text) throws Exception {
        if (p.isMimeType("multipart/*")) {
            MimeMultipart parts = (MimeMultipart) p.getContent();
            for (int i = 0; i < parts.getCount(); i++) {
                walk(parts.getBodyPart(i), attachments, text);
            }
        } else if (p.getFileName() != null) {
            attachments.add(p);
        } else if (p.isMimeType("text/plain")) {
            text.append(p.getContent());
        }
    }
}
