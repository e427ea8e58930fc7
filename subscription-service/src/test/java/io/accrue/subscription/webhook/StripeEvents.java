package io.accrue.subscription.webhook;

import static io.restassured.RestAssured.given;

import java.time.Instant;

import com.stripe.net.Webhook;

import io.restassured.response.ValidatableResponse;

/** Stripe-shaped events (api_version 2026-07-29.dahlia) signed as Stripe signs them. */
final class StripeEvents {

    static final String SECRET = "whsec_test_subscription";

    private StripeEvents() {
    }

    static String invoiceEvent(String id, String type, Instant created, String customer, String invoiceId) {
        return """
                {"id":"%s","object":"event","api_version":"2026-07-29.dahlia","created":%d,"livemode":false,
                 "pending_webhooks":1,"request":{"id":null,"idempotency_key":null},"type":"%s",
                 "data":{"object":{"id":"%s","object":"invoice","customer":"%s","status":"%s","amount_due":9900,
                 "amount_paid":%d,"currency":"usd","attempt_count":1}}}"""
                .formatted(id, created.getEpochSecond(), type, invoiceId, customer,
                        type.equals("invoice.paid") ? "paid" : "open", type.equals("invoice.paid") ? 9900 : 0);
    }

    static String disputeEvent(String id, String type, Instant created, String disputeId, String charge,
            String status) {
        return """
                {"id":"%s","object":"event","api_version":"2026-07-29.dahlia","created":%d,"livemode":false,
                 "pending_webhooks":1,"request":{"id":null,"idempotency_key":null},"type":"%s",
                 "data":{"object":{"id":"%s","object":"dispute","amount":9900,"charge":"%s","currency":"usd",
                 "created":%d,"reason":"fraudulent","status":"%s","livemode":false}}}"""
                .formatted(id, created.getEpochSecond(), type, disputeId, charge, created.getEpochSecond(), status);
    }

    static ValidatableResponse post(String payload, Instant signedAt) {
        return post(payload, signedAt, SECRET);
    }

    static ValidatableResponse post(String payload, Instant signedAt, String secret) {
        try {
            String header = Webhook.Signature.generateSignatureHeader(payload, secret, signedAt.getEpochSecond());
            return given().header("Stripe-Signature", header).contentType("application/json").body(payload)
                    .when().post("/v1/stripe/webhooks").then();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}
