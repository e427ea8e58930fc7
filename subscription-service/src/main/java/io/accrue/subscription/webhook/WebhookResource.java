package io.accrue.subscription.webhook;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.List;

import jakarta.annotation.security.PermitAll;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.core.MediaType;

import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

import io.accrue.common.error.ApiException;
import io.accrue.common.signing.Signatures;

/**
 * Stripe's entry point. Authenticated by the signature (no token): verified against the raw body with the
 * injected clock for the tolerance, before anything is parsed or stored.
 */
@Path("/v1/stripe/webhooks")
@Tag(name = "Stripe webhooks")
public class WebhookResource {

    public record Received(String id, boolean duplicate) {}

    private final WebhookInbox inbox;
    private final Clock clock;
    private final String secret;
    private final Duration tolerance;

    WebhookResource(WebhookInbox inbox, Clock clock,
            @ConfigProperty(name = "accrue.stripe.webhook-secret") String secret,
            @ConfigProperty(name = "accrue.stripe.webhook-tolerance") Duration tolerance) {
        this.inbox = inbox;
        this.clock = clock;
        this.secret = secret;
        this.tolerance = tolerance;
    }

    @POST
    @PermitAll
    @Consumes(MediaType.WILDCARD)
    @Operation(summary = "Receive a signed Stripe event (stored, de-duplicated, processed asynchronously)")
    public Received receive(@HeaderParam("Stripe-Signature") String signature, String payload) {
        if (signature == null || signature.isBlank() || payload == null || payload.isBlank()) {
            throw ApiException.badRequest("invalid_signature", "Missing Stripe-Signature header or body.");
        }
        // Stripe's scheme is Accrue's (t=..,v1=HMAC): common's check refuses a malformed header (t=abc) with 400
        // rather than stripe-java's NumberFormatException, and a timestamp beyond the tolerance either way, where
        // stripe-java accepts any future one.
        if (Signatures.verify(signature, payload.getBytes(StandardCharsets.UTF_8), List.of(secret), clock.instant(),
                tolerance) != Signatures.Outcome.VALID) {
            throw ApiException.badRequest("invalid_signature",
                    "The Stripe signature is malformed, invalid, or dated outside the tolerance.");
        }
        return inbox.store(payload);
    }
}
