package io.accrue.subscription.contact;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.matching;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static io.accrue.subscription.Api.as;
import static io.accrue.subscription.Api.provision;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.hasSize;
import static org.hamcrest.Matchers.notNullValue;
import static org.hamcrest.Matchers.nullValue;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.HexFormat;
import java.util.List;
import java.util.UUID;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

import jakarta.inject.Inject;

import org.junit.jupiter.api.Test;

import com.github.tomakehurst.wiremock.verification.LoggedRequest;

import io.accrue.common.security.Roles;
import io.accrue.subscription.StandInsResource;
import io.accrue.subscription.dunning.DunningService;
import io.accrue.subscription.notify.NotificationSender;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.test.junit.QuarkusTest;

@QuarkusTest
class ContactsAuditNotificationTest {

    @Inject
    DunningService dunning;

    @Inject
    NotificationSender sender;

    private static String contact(String email, String hook) {
        return """
                {"name":"Ada","email":"%s","receivesInvoices":false,"receivesDunning":%s,"webhookUrl":%s}"""
                .formatted(email, hook != null, hook == null ? "null" : "\"" + hook + "\"");
    }

    @Test
    void contactsCrudIsRoleGatedAndAudited() {
        String org = provision("ct", "USD", "UTC");
        String id = as(org, Roles.BILLING_ADMIN).body(contact("ada@example.com", null))
                .when().post("/v1/accounts/{o}/contacts", org).then().statusCode(201)
                .body("email", equalTo("ada@example.com")).extract().path("id");
        as(org, Roles.BILLING_ADMIN).body(contact("ADA@example.com", null))
                .when().post("/v1/accounts/{o}/contacts", org).then().statusCode(409)
                .body("code", equalTo("contact_exists"));
        as(org, Roles.MEMBER).body(contact("bob@example.com", null))
                .when().post("/v1/accounts/{o}/contacts", org).then().statusCode(403);
        as(org, Roles.OWNER).body(contact("not-an-email", null))
                .when().post("/v1/accounts/{o}/contacts", org).then().statusCode(422)
                .body("code", equalTo("validation_failed"));
        // flags that would deliver nothing are refused, not stored
        as(org, Roles.OWNER).body(contact("eve@example.com", null).replace("\"receivesInvoices\":false",
                "\"receivesInvoices\":true")).when().post("/v1/accounts/{o}/contacts", org).then().statusCode(400)
                .body("code", equalTo("unsupported_field"));
        as(org, Roles.OWNER).body(contact("eve@example.com", null).replace("\"receivesDunning\":false",
                "\"receivesDunning\":true")).when().post("/v1/accounts/{o}/contacts", org).then().statusCode(422)
                .body("code", equalTo("webhook_url_required"));
        as("other-org", Roles.OWNER).when().get("/v1/accounts/{o}/contacts", org).then().statusCode(404);
        as(org, Roles.OWNER).body(contact("ada@acme.example", null))
                .when().put("/v1/accounts/{o}/contacts/{c}", org, id).then().statusCode(200)
                .body("email", equalTo("ada@acme.example"));
        as(org, Roles.OWNER).when().get("/v1/accounts/{o}/contacts", org).then().body("", hasSize(1));
        as(org, Roles.OWNER).when().delete("/v1/accounts/{o}/contacts/{c}", org, id).then().statusCode(204);
        as(org, Roles.OWNER).when().delete("/v1/accounts/{o}/contacts/{c}", org, id).then().statusCode(404)
                .body("code", equalTo("contact_not_found"));

        as(org, Roles.BILLING_ADMIN).when().get("/v1/accounts/{o}/audit", org).then().statusCode(200)
                .body("items.action", equalTo(List.of("subscription.created", "contact.created", "contact.updated",
                        "contact.deleted")))
                .body("items[2].before", containsString("ada@example.com"))
                .body("items[2].after", containsString("ada@acme.example"))
                .body("items[1].actor", notNullValue())
                .body("items[3].after", nullValue());
        as(org, Roles.MEMBER).when().get("/v1/accounts/{o}/audit", org).then().statusCode(403);
    }

    @Test
    void contactWebhookUrlsGoThroughTheSuitesOutboundPolicy() {
        String org = provision("cu", "USD", "UTC");
        // Refused in every mode (the test profile allows private addresses, as %dev does); production rules are
        // the table of common's OutboundUrlPolicyTest.
        for (String url : List.of("http://user:pw@127.0.0.1:9/h", "http://127.0.0.1:9/h#f", "http://0177.0.0.1/h")) {
            as(org, Roles.OWNER).body(contact("hook@example.com", url)).when()
                    .post("/v1/accounts/{o}/contacts", org).then().statusCode(422)
                    .contentType("application/problem+json").body("code", equalTo("webhook_url_not_allowed"));
        }
        as(org, Roles.OWNER).when().get("/v1/accounts/{o}/contacts", org).then().body("", hasSize(0));
    }

    @Test
    void planChangesAreAuditedWithBeforeAndAfter() {
        String org = provision("au", "USD", "UTC");
        as(org, Roles.OWNER).body("{\"planSlug\":\"pro\"}")
                .when().post("/v1/accounts/{o}/subscription/plan-change", org).then().statusCode(200);
        as(org, Roles.OWNER).when().get("/v1/accounts/{o}/audit", org).then()
                .body("items.action", hasItem("subscription.upgraded"))
                .body("items[1].before", containsString("free v2"))
                .body("items[1].after", containsString("pro v1"))
                .body("items[1].at", equalTo("2026-03-15T10:00:00Z"));
    }

    @Test
    void dunningTransitionsAreSentAsSignedWebhooksToContacts() throws Exception {
        String org = provision("nt", "USD", "UTC");
        String path = "/hooks/" + UUID.randomUUID();
        String hook = "http://127.0.0.1:" + StandInsResource.server().port() + path;
        StandInsResource.server().stubFor(post(path).willReturn(aResponse().withStatus(204)));
        as(org, Roles.OWNER).body(contact("ops@example.com", hook)).when().post("/v1/accounts/{o}/contacts", org)
                .then().statusCode(201);
        QuarkusTransaction.requiringNew().run(() -> dunning.paymentFailed(org, Instant.parse("2026-03-15T09:00:00Z"),
                "payment failed: invoice in_n"));
        sender.sendDue();
        sender.sendDue(); // delivered once, not again
        List<LoggedRequest> sent = StandInsResource.server().findAll(postRequestedFor(urlEqualTo(path))
                .withHeader("Accrue-Signature", matching("t=\\d+,v1=[0-9a-f]{64}")));
        assertEquals(1, sent.size());
        String body = sent.get(0).getBodyAsString();
        assertTrue(body.contains("\"toStatus\":\"past_due\""), body);
        String header = sent.get(0).getHeader("Accrue-Signature");
        String t = header.substring(2, header.indexOf(','));
        Mac mac = Mac.getInstance("HmacSHA256");
        mac.init(new SecretKeySpec("local-notification-secret".getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
        String expected = HexFormat.of().formatHex(mac.doFinal((t + "." + body).getBytes(StandardCharsets.UTF_8)));
        assertEquals("t=" + t + ",v1=" + expected, header, "receivers can verify the signature");
    }
}
