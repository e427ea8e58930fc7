package io.accrue.subscription.contact;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.anyRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.containing;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static io.accrue.subscription.Api.as;
import static io.accrue.subscription.Api.provision;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.hasKey;
import static org.hamcrest.Matchers.hasSize;
import static org.hamcrest.Matchers.not;
import static org.hamcrest.Matchers.notNullValue;
import static org.hamcrest.Matchers.nullValue;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.UUID;

import jakarta.inject.Inject;

import org.junit.jupiter.api.Test;

import com.github.tomakehurst.wiremock.verification.LoggedRequest;

import io.accrue.common.security.Roles;
import io.accrue.common.signing.StandardWebhooks;
import io.accrue.subscription.StandInsResource;
import io.accrue.subscription.dunning.DunningService;
import io.accrue.subscription.hooks.WebhookSender;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;

@QuarkusTest
class ContactsAuditNotificationTest {

    @Inject
    DunningService dunning;

    @Inject
    WebhookSender sender;

    @Inject
    Clock clock;

    private static String contact(String email, String hook) {
        return """
                {"name":"Ada","email":"%s","receivesInvoices":false,"receivesDunning":false,"webhookUrl":%s}"""
                .formatted(email, hook == null ? "null" : "\"" + hook + "\"");
    }

    @Test
    void contactsCrudIsRoleGatedAndAudited() {
        String org = provision("ct", "USD", "UTC");
        String id = as(org, Roles.BILLING_ADMIN).body(contact("ada@example.com", null))
                .when().post("/v1/accounts/{o}/contacts", org).then().statusCode(201)
                .body("email", equalTo("ada@example.com")).body("$", not(hasKey("webhookUrl"))).extract().path("id");
        as(org, Roles.BILLING_ADMIN).body(contact("ADA@example.com", null))
                .when().post("/v1/accounts/{o}/contacts", org).then().statusCode(409)
                .body("code", equalTo("contact_exists"));
        as(org, Roles.MEMBER).body(contact("bob@example.com", null))
                .when().post("/v1/accounts/{o}/contacts", org).then().statusCode(403);
        as(org, Roles.OWNER).body(contact("not-an-email", null))
                .when().post("/v1/accounts/{o}/contacts", org).then().statusCode(422)
                .body("code", equalTo("validation_failed"));
        // the mail flags (receivesInvoices …) are the mail package's: mail.MailTest
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

    /** A contact no longer has a webhook: the field is refused with where to register it, and nothing is stored. */
    @Test
    void aContactWebhookUrlIsRefusedAndNamesTheWebhookEndpoints() {
        String org = provision("cu", "USD", "UTC");
        for (String url : List.of("https://hooks.example.com/accrue", "http://user:pw@127.0.0.1:9/h")) {
            as(org, Roles.OWNER).body(contact("hook@example.com", url)).when()
                    .post("/v1/accounts/{o}/contacts", org).then().statusCode(400)
                    .contentType("application/problem+json").body("code", equalTo("unsupported_field"))
                    .body("detail", containsString("/v1/accounts/" + org + "/webhook-endpoints"));
        }
        as(org, Roles.OWNER).when().get("/v1/accounts/{o}/contacts", org).then().body("", hasSize(0));
        String id = as(org, Roles.OWNER).body(contact("hook@example.com", null))
                .when().post("/v1/accounts/{o}/contacts", org).then().statusCode(201).extract().path("id");
        as(org, Roles.OWNER).body(contact("hook@example.com", "https://hooks.example.com/accrue"))
                .when().put("/v1/accounts/{o}/contacts/{c}", org, id).then().statusCode(400)
                .body("code", equalTo("unsupported_field"));
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

    /**
     * A dunning step reaches a subscribed endpoint once, through the one delivery system (Standard Webhooks, the
     * endpoint's secret), and nothing else is sent anywhere for it (the old per-contact notification is gone).
     */
    @Test
    void aDunningStepReachesTheSubscribedEndpointOnceAsABillingEvent() {
        String org = provision("nt", "USD", "UTC");
        String path = "/hooks/" + UUID.randomUUID();
        String hook = "http://127.0.0.1:" + StandInsResource.server().port() + path;
        StandInsResource.server().stubFor(post(path).willReturn(aResponse().withStatus(204)));
        String secret = as(org, Roles.OWNER).body("""
                {"url":"%s","eventTypes":["account.status_changed"]}""".formatted(hook))
                .post("/v1/accounts/{o}/webhook-endpoints", org).then().statusCode(201).extract().path("secret");
        as(org, Roles.OWNER).body(contact("ops@example.com", null)).when().post("/v1/accounts/{o}/contacts", org)
                .then().statusCode(201);
        QuarkusTransaction.requiringNew().run(() -> dunning.paymentFailed(org, Instant.parse("2026-03-15T09:00:00Z"),
                "payment failed: invoice in_n"));
        Instant now = clock.instant();
        sender.deliverDue(now);
        sender.deliverDue(now); // delivered once, not again

        List<LoggedRequest> sent = StandInsResource.server().findAll(postRequestedFor(urlEqualTo(path)));
        assertEquals(1, sent.size());
        LoggedRequest r = sent.get(0);
        assertEquals(StandardWebhooks.Outcome.VALID, StandardWebhooks.verify(secret, r.getHeader("webhook-id"),
                r.getHeader("webhook-timestamp"), r.getHeader("webhook-signature"), r.getBodyAsString(), now,
                StandardWebhooks.TOLERANCE));
        assertEquals(null, r.getHeader("Accrue-Signature"), "no second, old-style signature");
        JsonPath body = new JsonPath(r.getBodyAsString());
        assertEquals("account.status_changed", body.getString("type"));
        assertEquals(org, body.getString("data.orgId"));
        assertEquals("active", body.getString("data.fromStatus"));
        assertEquals("past_due", body.getString("data.toStatus"));
        assertEquals(0, StandInsResource.server().findAll(anyRequestedFor(urlEqualTo(path))
                .withRequestBody(containing("ops@example.com"))).size(), "nothing per contact");
        as(org, Roles.BILLING_ADMIN).get("/v1/accounts/{o}/webhook-deliveries", org).then().statusCode(200)
                .body("items", hasSize(1)).body("items[0].status", equalTo("delivered"))
                .body("items[0].eventType", equalTo("account.status_changed"));
    }
}
