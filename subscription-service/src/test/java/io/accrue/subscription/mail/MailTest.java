package io.accrue.subscription.mail;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static io.accrue.subscription.Api.as;
import static io.accrue.subscription.Api.provision;
import static io.accrue.subscription.Api.service;
import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.everyItem;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.hasSize;
import static org.hamcrest.Matchers.nullValue;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;

import jakarta.inject.Inject;
import jakarta.mail.Address;
import jakarta.mail.Part;
import jakarta.mail.internet.InternetAddress;
import jakarta.mail.internet.MimeMessage;
import jakarta.mail.internet.MimeMultipart;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import io.accrue.common.security.Roles;
import io.accrue.subscription.MailServerResource;
import io.accrue.subscription.StandInsResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.path.json.JsonPath;
import io.smallrye.faulttolerance.api.CircuitBreakerMaintenance;

/**
 * Mails to billing contacts over real SMTP (GreenMail) from billing events recorded in real PostgreSQL, with
 * invoice-service's PDF from its WireMock stand-in: each kind to the contacts that asked for it, rendered, with the
 * organisation's sender name and reply-to; once per event and contact; kept through an SMTP outage and sent once
 * after it; an invoice mail waits for its PDF.
 */
@QuarkusTest
class MailTest {

    static final byte[] PDF = "%PDF-1.7 an invoice\n%%EOF".getBytes(java.nio.charset.StandardCharsets.US_ASCII);

    @Inject
    MailSender sender;

    @Inject
    Clock clock;

    @Inject
    CircuitBreakerMaintenance breakers;

    /** Each test starts with the SMTP server up and invoice-service's breaker closed (other classes may open it). */
    @BeforeEach
    @AfterEach
    void serverBack() {
        if (MailServerResource.server() == null || !MailServerResource.server().isRunning()) {
            MailServerResource.restart();
        }
        breakers.resetAll();
    }

    /** A received mail, read back from the SMTP server. */
    record Received(String subject, InternetAddress from, List<Address> replyTo, String messageId, String text,
            String html, Map<String, byte[]> attachments) {}

    private static String contact(String org, String email, String flags) {
        return as(org, Roles.OWNER).body("""
                {"name":"Ada Lovelace","email":"%s"%s}""".formatted(email, flags))
                .post("/v1/accounts/{o}/contacts", org).then().statusCode(201).extract().path("id");
    }

    private static String publish(String org, String type, Map<String, Object> data) {
        String id = "evt_" + UUID.randomUUID().toString().replace("-", "");
        publish(org, id, type, data, 201);
        return id;
    }

    private static void publish(String org, String id, String type, Map<String, Object> data, int expected) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("id", id);
        body.put("orgId", org);
        body.put("type", type);
        body.put("occurredAt", "2026-03-15T09:30:00Z");
        body.put("data", data);
        service().contentType(ContentType.JSON).body(body).post("/v1/billing-events").then().statusCode(expected);
    }

    private static Map<String, Object> invoice(String org, String invoiceId, String number) {
        Map<String, Object> d = new LinkedHashMap<>();
        d.put("orgId", org);
        d.put("invoiceId", invoiceId);
        d.put("kind", "regular");
        d.put("number", number);
        d.put("status", "open");
        d.put("correctsInvoiceId", null);
        d.put("periodStart", "2026-02-01");
        d.put("periodEnd", "2026-03-01");
        d.put("currency", "USD");
        d.put("subtotal", "100.00");
        d.put("total", "106.50");
        d.put("issuedAt", "2026-03-01T00:05:00Z");
        return d;
    }

    private static Map<String, Object> threshold(String org, String budget) {
        Map<String, Object> d = new LinkedHashMap<>();
        d.put("orgId", org);
        d.put("budget", budget);
        d.put("endUserId", null);
        d.put("metric", "cost");
        d.put("threshold", 80);
        d.put("limit", "500.000000000000");
        d.put("observed", "401.250000000000");
        d.put("currency", "USD");
        d.put("periodStart", "2026-03-01T00:00:00Z");
        d.put("periodEnd", "2026-04-01T00:00:00Z");
        return d;
    }

    private static void stubPdf(String org, String invoiceId, int status) {
        StandInsResource.server().stubFor(get(urlPathEqualTo("/v1/orgs/" + org + "/invoices/" + invoiceId + "/pdf"))
                .willReturn(status == 200
                        ? aResponse().withStatus(200).withHeader("Content-Type", "application/pdf").withBody(PDF)
                        : aResponse().withStatus(status)));
    }

    private static String email(String who) {
        return who + "-" + UUID.randomUUID().toString().substring(0, 8) + "@example.com";
    }

    /** Every mail the SMTP server received for one address, read back. */
    private static List<Received> inbox(String email) {
        List<Received> found = new ArrayList<>();
        try {
            for (MimeMessage m : MailServerResource.server().getReceivedMessages()) {
                for (Address to : m.getAllRecipients()) {
                    if (((InternetAddress) to).getAddress().equalsIgnoreCase(email)) {
                        found.add(read(m));
                    }
                }
            }
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
        return found;
    }

    private static Received read(MimeMessage m) throws Exception {
        Map<String, byte[]> attachments = new LinkedHashMap<>();
        String[] bodies = new String[2];
        walk(m, bodies, attachments);
        Address[] replyTo = m.getReplyTo();
        return new Received(m.getSubject(), (InternetAddress) m.getFrom()[0],
                replyTo == null ? List.of() : List.of(replyTo), m.getMessageID(), bodies[0], bodies[1], attachments);
    }

    private static void walk(Part p, String[] bodies, Map<String, byte[]> attachments) throws Exception {
        if (p.isMimeType("multipart/*")) {
            MimeMultipart parts = (MimeMultipart) p.getContent();
            for (int i = 0; i < parts.getCount(); i++) {
                walk(parts.getBodyPart(i), bodies, attachments);
            }
        } else if (p.getFileName() != null) {
            attachments.put(p.getFileName(), p.getInputStream().readAllBytes());
        } else if (p.isMimeType("text/plain")) {
            bodies[0] = p.getContent().toString();
        } else if (p.isMimeType("text/html")) {
            bodies[1] = p.getContent().toString();
        }
    }

    private static JsonPath mails(String org) {
        return as(org, Roles.MEMBER).get("/v1/accounts/{o}/mails", org).then().statusCode(200).extract().jsonPath();
    }

    @Test
    void eachKindReachesTheContactsThatAskedForItRenderedAndTheInvoiceWithItsPdf() {
        String org = provision("ml", "USD", "UTC");
        String invoices = email("invoices");
        String dunning = email("dunning");
        String usage = email("usage");
        String contracts = email("contracts");
        String nothing = email("nothing");
        contact(org, invoices, ",\"receivesInvoices\":true");
        contact(org, dunning, ",\"receivesDunning\":true");
        contact(org, usage, ",\"receivesUsageAlerts\":true");
        contact(org, contracts, ",\"receivesContractNotices\":true");
        contact(org, nothing, "");
        String invoiceId = UUID.randomUUID().toString();
        stubPdf(org, invoiceId, 200);

        publish(org, "invoice.finalized", invoice(org, invoiceId, "ACME-2026-0007"));
        publish(org, "invoice.payment_failed", Map.of("orgId", org, "stripeInvoiceId", "in_1", "amountDue", 10650,
                "currency", "usd", "attemptCount", 2));
        publish(org, "account.status_changed", Map.of("orgId", org, "fromStatus", "active", "toStatus", "past_due",
                "reason", "invoice payment failed", "occurredAt", "2026-03-15T09:30:00Z"));
        publish(org, "account.status_changed", Map.of("orgId", org, "fromStatus", "past_due", "toStatus", "active",
                "reason", "invoice paid", "occurredAt", "2026-03-15T09:40:00Z")); // back to active: no notice
        publish(org, "usage.threshold_reached", threshold(org, "Monthly LLM spend"));
        publish(org, "contract.renewal_upcoming", Map.of("orgId", org, "contractId", "ctr-42", "status", "active",
                "effectiveEnd", "2026-04-10", "noticeDays", 30, "renewalDrafted", false));
        publish(org, "subscription.updated", Map.of("orgId", org, "change", "plan_changed")); // not a mail

        sender.sendDue(clock.instant());

        List<Received> invoiceMails = inbox(invoices);
        assertEquals(1, invoiceMails.size());
        Received inv = invoiceMails.get(0);
        assertEquals("Invoice ACME-2026-0007 for Acme AI: 106.50 USD", inv.subject());
        assertTrue(inv.text().contains("Hello Ada Lovelace,"), inv.text());
        assertTrue(inv.text().contains("invoice ACME-2026-0007 for Acme AI has been issued: 106.50 USD, for the "
                + "period 2026-02-01 to 2026-03-01."), inv.text());
        assertTrue(inv.html().contains("<p>invoice ACME-2026-0007 for Acme AI has been issued"), inv.html());
        assertEquals(List.of("invoice-ACME-2026-0007.pdf"), List.copyOf(inv.attachments().keySet()));
        assertArrayEquals(PDF, inv.attachments().get("invoice-ACME-2026-0007.pdf"));
        assertEquals("billing@accrue.test", inv.from().getAddress());

        List<String> dunningSubjects = inbox(dunning).stream().map(Received::subject).sorted().toList();
        assertEquals(List.of("Acme AI: your account is past due", "Payment failed for Acme AI: 106.50 USD"),
                dunningSubjects);
        assertTrue(inbox(dunning).stream().allMatch(r -> r.attachments().isEmpty()));
        Received budget = inbox(usage).get(0);
        assertEquals("Acme AI: budget Monthly LLM spend reached 80%", budget.subject());
        assertTrue(budget.text().contains("401.250000000000 of 500.000000000000 USD (cost)"), budget.text());
        Received renewal = inbox(contracts).get(0);
        assertEquals("Acme AI: your contract ends on 2026-04-10", renewal.subject());
        assertTrue(renewal.text().contains("No renewal has been drafted yet"), renewal.text());
        assertEquals(1, inbox(usage).size());
        assertEquals(1, inbox(contracts).size());
        assertEquals(List.of(), inbox(nothing));

        // the log, readable by every member of the organisation (and the operator), not by another organisation
        JsonPath log = mails(org);
        assertEquals(5, log.getList("items").size());
        assertEquals(List.of("renewal_reminder", "budget_threshold", "dunning_step", "payment_failed",
                "invoice_issued"), log.getList("items.type"));
        assertEquals(List.of("sent"), log.getList("items.status").stream().distinct().toList());
        assertEquals(List.of(invoices), log.getList("items[4].recipients"));
        assertEquals(List.of("invoice-ACME-2026-0007.pdf"), log.getList("items[4].attachments"));
        assertEquals(1, log.getInt("items[4].attempts"));
        assertEquals("2026-03-15T10:00:00Z", log.getString("items[4].sentAt"));
        as("another-org", Roles.OWNER).get("/v1/accounts/{o}/mails", org).then().statusCode(404)
                .contentType("application/problem+json");
        given().get("/v1/accounts/{o}/mails", org).then().statusCode(401);
        io.accrue.subscription.Api.operator().get("/v1/accounts/{o}/mails", org).then().statusCode(200)
                .body("items", hasSize(5));
        // cursor paging
        JsonPath first = as(org, Roles.MEMBER).queryParam("limit", 2).get("/v1/accounts/{o}/mails", org).then()
                .statusCode(200).body("items", hasSize(2)).body("hasMore", equalTo(true)).extract().jsonPath();
        as(org, Roles.MEMBER).queryParam("limit", 3).queryParam("cursor", first.getString("nextCursor"))
                .get("/v1/accounts/{o}/mails", org).then().statusCode(200)
                .body("items.type", equalTo(List.of("dunning_step", "payment_failed", "invoice_issued")))
                .body("hasMore", equalTo(false));
        as(org, Roles.MEMBER).queryParam("cursor", "bm9wZQ").get("/v1/accounts/{o}/mails", org).then()
                .statusCode(400).body("code", equalTo("invalid_cursor"));
    }

    @Test
    void theOrganisationsSenderNameAndReplyToAreApplied() {
        String org = provision("ms", "USD", "UTC");
        String to = email("ada");
        contact(org, to, ",\"receivesUsageAlerts\":true");
        as(org, Roles.BILLING_ADMIN).body("""
                {"senderName":"Acme AI Billing","replyTo":"accounts@acme.example"}""")
                .put("/v1/accounts/{o}/mail-settings", org).then().statusCode(200)
                .body("senderName", equalTo("Acme AI Billing")).body("replyTo", equalTo("accounts@acme.example"))
                .body("from", equalTo("billing@accrue.test"));
        publish(org, "usage.threshold_reached", threshold(org, "Tokens"));
        sender.sendDue(clock.instant());

        Received r = inbox(to).get(0);
        assertEquals("Acme AI Billing", r.from().getPersonal());
        assertEquals("billing@accrue.test", r.from().getAddress());
        assertEquals("accounts@acme.example", ((InternetAddress) r.replyTo().get(0)).getAddress());
        assertTrue(r.messageId().matches("<mail\\.[0-9a-f]{32}@accrue\\.test>"), r.messageId());
        as(org, Roles.OWNER).get("/v1/accounts/{o}/audit", org).then()
                .body("items.action", hasItem("mail_settings.updated"));

        // refused, problem+json, nothing stored
        as(org, Roles.OWNER).body("{\"replyTo\":\"not-an-address\"}").put("/v1/accounts/{o}/mail-settings", org)
                .then().statusCode(422).contentType("application/problem+json")
                .body("code", equalTo("validation_failed"));
        as(org, Roles.OWNER).body("{\"senderName\":\"Acme\\\" <evil@example.com>\"}")
                .put("/v1/accounts/{o}/mail-settings", org).then().statusCode(422)
                .body("code", equalTo("validation_failed"));
        as(org, Roles.OWNER).body("{\"senderName\":\"" + "a".repeat(101) + "\"}")
                .put("/v1/accounts/{o}/mail-settings", org).then().statusCode(400)
                .body("code", equalTo("value_too_long"));
        as(org, Roles.OWNER).body("{\"senderName\":\"x\",\"from\":\"ceo@acme.example\"}")
                .put("/v1/accounts/{o}/mail-settings", org).then().statusCode(400)
                .body("code", equalTo("unknown_field"));
        as(org, Roles.MEMBER).body("{\"senderName\":\"Member\"}").put("/v1/accounts/{o}/mail-settings", org)
                .then().statusCode(403);
        as("another-org", Roles.OWNER).body("{\"senderName\":\"Other\"}")
                .put("/v1/accounts/{o}/mail-settings", org).then().statusCode(404);
        as(org, Roles.OWNER).get("/v1/accounts/{o}/mail-settings", org).then().statusCode(200)
                .body("senderName", equalTo("Acme AI Billing")).body("replyTo", equalTo("accounts@acme.example"));
    }

    @Test
    void theSameBillingEventDeliveredTwiceMailsOnce() {
        String org = provision("md", "USD", "UTC");
        String to = email("ada");
        contact(org, to, ",\"receivesUsageAlerts\":true");
        String id = "evt_" + UUID.randomUUID().toString().replace("-", "");
        publish(org, id, "usage.threshold_reached", threshold(org, "Tokens"), 201);
        publish(org, id, "usage.threshold_reached", threshold(org, "Tokens"), 200);
        sender.sendDue(clock.instant());
        publish(org, id, "usage.threshold_reached", threshold(org, "Tokens"), 200);
        sender.sendDue(clock.instant().plus(Duration.ofHours(2)));
        assertEquals(1, inbox(to).size());
        assertEquals(1, mails(org).getList("items").size());
    }

    /**
     * The SMTP server is down: the mails stay queued with the error; it comes back: two senders racing (two
     * replicas) send each mail exactly once.
     */
    @Test
    void anSmtpOutageLosesNothingAndSendsEachMailOnceWhenTheServerIsBack() throws Exception {
        String org = provision("mo", "USD", "UTC");
        List<String> recipients = List.of(email("a"), email("b"), email("c"));
        for (String r : recipients) {
            contact(org, r, ",\"receivesUsageAlerts\":true");
        }
        MailServerResource.outage();
        publish(org, "usage.threshold_reached", threshold(org, "Tokens"));
        publish(org, "usage.threshold_reached", threshold(org, "Requests"));
        Instant now = clock.instant();
        sender.sendDue(now);
        JsonPath queued = mails(org);
        assertEquals(6, queued.getList("items").size());
        assertEquals(List.of("pending"), queued.getList("items.status").stream().distinct().toList());
        assertEquals(List.of(1), queued.getList("items.attempts").stream().distinct().toList());
        assertTrue(queued.getList("items.lastError", String.class).stream().allMatch(e -> e.startsWith("SMTP")),
                queued.getList("items.lastError").toString());

        MailServerResource.restart();
        AtomicInteger round = new AtomicInteger();
        await().atMost(Duration.ofSeconds(90)).until(() -> {
            // past any backoff: each round is two hours on (capped at one), well inside the three days
            Instant at = now.plus(Duration.ofHours(2L * round.incrementAndGet()));
            CompletableFuture<Integer> a = CompletableFuture.supplyAsync(() -> sender.sendDue(at));
            CompletableFuture<Integer> b = CompletableFuture.supplyAsync(() -> sender.sendDue(at));
            a.join();
            b.join();
            return mails(org).getList("items.status").stream().allMatch("sent"::equals);
        });
        sender.sendDue(now.plus(Duration.ofDays(1)));
        for (String r : recipients) {
            List<Received> got = inbox(r);
            assertEquals(2, got.size(), r);
            assertEquals(2, got.stream().map(Received::messageId).distinct().count());
        }
        as(org, Roles.MEMBER).get("/v1/accounts/{o}/mails", org).then().body("items.lastError", everyItem(nullValue()));
    }

    @Test
    void aMailTheServerNeverAcceptsFailsVisiblyAfterThreeDays() {
        String org = provision("mf", "USD", "UTC");
        contact(org, email("ada"), ",\"receivesUsageAlerts\":true");
        MailServerResource.outage();
        publish(org, "usage.threshold_reached", threshold(org, "Tokens"));
        Instant now = clock.instant();
        sender.sendDue(now);
        sender.sendDue(now.plus(Duration.ofDays(3)));
        as(org, Roles.MEMBER).get("/v1/accounts/{o}/mails", org).then().body("items[0].status", equalTo("failed"))
                .body("items[0].attempts", equalTo(2)).body("items[0].lastError", containsString("SMTP"));
    }

    @Test
    void anInvoiceMailWaitsForItsPdfAndIsNeverSentWithoutIt() {
        String org = provision("mp", "USD", "UTC");
        String to = email("ada");
        contact(org, to, ",\"receivesInvoices\":true");
        String invoiceId = UUID.randomUUID().toString();
        stubPdf(org, invoiceId, 503);
        publish(org, "invoice.finalized", invoice(org, invoiceId, "ACME-2026-0008"));
        Instant now = clock.instant();
        sender.sendDue(now);
        assertEquals(List.of(), inbox(to));
        as(org, Roles.MEMBER).get("/v1/accounts/{o}/mails", org).then().body("items[0].status", equalTo("pending"))
                .body("items[0].lastError", containsString("invoice PDF unavailable"));

        stubPdf(org, invoiceId, 200);
        sender.sendDue(now.plus(Duration.ofHours(2)));
        List<Received> got = inbox(to);
        assertEquals(1, got.size());
        assertArrayEquals(PDF, got.get(0).attachments().get("invoice-ACME-2026-0008.pdf"));
        as(org, Roles.MEMBER).get("/v1/accounts/{o}/mails", org).then().body("items[0].status", equalTo("sent"))
                .body("items[0].attempts", equalTo(2));
    }

    @Test
    void contactMailFlagsAreStoredAndRefusalsStoreNothing() {
        String org = provision("mc", "USD", "UTC");
        as(org, Roles.OWNER).body("""
                {"name":"Ada","email":"ada@example.com","receivesInvoices":true,"receivesDunning":true,
                 "receivesUsageAlerts":true,"receivesContractNotices":true}""")
                .post("/v1/accounts/{o}/contacts", org).then().statusCode(201)
                .body("receivesInvoices", equalTo(true)).body("receivesDunning", equalTo(true))
                .body("receivesUsageAlerts", equalTo(true)).body("receivesContractNotices", equalTo(true));
        as(org, Roles.OWNER).body("""
                {"name":"Bob","email":"bob@example.com","receivesInvoices":true,"webhookUrl":"https://h.example/x"}""")
                .post("/v1/accounts/{o}/contacts", org).then().statusCode(400)
                .contentType("application/problem+json").body("code", equalTo("unsupported_field"));
        as(org, Roles.OWNER).body("""
                {"name":"Bob","email":"bob@example.com","receivesInvoices":"yes"}""")
                .post("/v1/accounts/{o}/contacts", org).then().statusCode(400)
                .contentType("application/problem+json").body("code", equalTo("invalid_value"));
        as(org, Roles.OWNER).body("""
                {"name":"Bob","email":"bob@example.com","receivesEverything":true}""")
                .post("/v1/accounts/{o}/contacts", org).then().statusCode(400)
                .body("code", equalTo("unknown_field"));
        as(org, Roles.OWNER).get("/v1/accounts/{o}/contacts", org).then().body("email",
                equalTo(List.of("ada@example.com")));
    }
}
