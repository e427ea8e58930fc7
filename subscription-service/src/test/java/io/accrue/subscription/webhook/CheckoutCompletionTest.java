package io.accrue.subscription.webhook;

import static io.accrue.subscription.Api.as;
import static io.accrue.subscription.Api.operator;
import static io.accrue.subscription.Api.provision;
import static io.accrue.subscription.webhook.StripeEvents.post;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Instant;
import java.util.UUID;

import jakarta.inject.Inject;
import jakarta.persistence.EntityManager;

import org.junit.jupiter.api.Test;

import io.accrue.common.security.Roles;
import io.accrue.common.time.AdjustableClock;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.test.junit.QuarkusTest;

@QuarkusTest
class CheckoutCompletionTest {

    @Inject
    WebhookProcessor processor;

    @Inject
    AdjustableClock clock;

    @Inject
    EntityManager em;

    private static String session(String id, Instant created, String customer, String price, String paymentStatus) {
        return """
                {"id":"%s","object":"event","api_version":"2026-07-29.dahlia","created":%d,"livemode":false,
                 "pending_webhooks":1,"request":{"id":null,"idempotency_key":null},"type":"checkout.session.completed",
                 "data":{"object":{"id":"cs_test_%s","object":"checkout.session","mode":"subscription","customer":"%s",
                 "status":"complete","payment_status":"%s","subscription":"sub_1","currency":"usd","amount_total":29900,
                 "livemode":false,"metadata":{"accrue_price_id":"%s"}}}}"""
                .formatted(id, created.getEpochSecond(), id, customer, paymentStatus, price);
    }

    private String outcome(String id) {
        return QuarkusTransaction.requiringNew().call(() -> em.find(StripeEventRecord.class, id).outcome);
    }

    @Test
    void aPaidCheckoutMovesTheAccountToThePlanOfItsPriceOnceAndALateOneNeverUndoesANewerChange() {
        String slug = "scale-" + UUID.randomUUID().toString().substring(0, 8);
        operator()
                .body("""
                        {"slug":"%s","name":"Scale","tier":"pro","billingModel":"flat","interval":"month",
                         "basePrices":{"USD":"299.00"},"stripePriceIds":{"base":"price_%s"}}""".formatted(slug,
                        slug.replace('-', '_')))
                .when().post("/v1/plans").then().statusCode(201);
        String price = "price_" + slug.replace('-', '_');
        String org = provision("co", "USD", "UTC");
        String customer = as(org, Roles.OWNER).when().get("/v1/accounts/{o}", org).then().extract()
                .path("stripeCustomerId");
        Instant now = clock.instant();

        String unpaid = "evt_unpaid_" + slug;
        post(session(unpaid, now, customer, price, "unpaid"), now).statusCode(200);
        String paid = "evt_paid_" + slug;
        post(session(paid, now, customer, price, "paid"), now).statusCode(200);
        post(session(paid, now, customer, price, "paid"), now).statusCode(200); // Stripe redelivers
        processor.processDue();

        as(org, Roles.OWNER).when().get("/v1/accounts/{o}/subscription", org).then()
                .body("plan.slug", equalTo(slug));
        assertEquals("recorded: not paid (unpaid)", outcome(unpaid));
        assertEquals("plan changed to " + slug + " v1", outcome(paid));
        as(org, Roles.OWNER).queryParam("from", "2026-01-01T00:00:00Z").when()
                .get("/v1/accounts/{o}/subscription/events", org).then()
                .body("items.findAll { it.type == 'upgraded' }.size()", equalTo(1))
                .body("items.find { it.type == 'upgraded' }.actor", equalTo("stripe:checkout:cs_test_" + paid));

        // the admin moves back to free afterwards; a second, older checkout arriving late must not undo that
        as(org, Roles.OWNER).body("{\"planSlug\":\"free\",\"timing\":\"now\"}").when()
                .post("/v1/accounts/{o}/subscription/plan-change", org).then().statusCode(200);
        String late = "evt_late_" + slug;
        post(session(late, now.minusSeconds(60), customer, price, "paid"), now).statusCode(200);
        processor.processDue();
        assertEquals("stale: the plan changed after this checkout", outcome(late));
        as(org, Roles.OWNER).when().get("/v1/accounts/{o}/subscription", org).then().body("plan.slug", equalTo("free"));
    }
}
