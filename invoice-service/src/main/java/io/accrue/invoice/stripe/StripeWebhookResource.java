package io.accrue.invoice.stripe;

import java.util.Map;

import jakarta.annotation.security.PermitAll;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;

import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

/**
 * Stripe's {@code invoice.*} events. No bearer token: the Stripe signature over the raw body is the credential
 * (checked before anything is read or stored).
 */
@Path("/v1/stripe/webhooks")
@Tag(name = "Stripe webhook")
public class StripeWebhookResource {

    private final StripeWebhookService service;

    StripeWebhookResource(StripeWebhookService service) {
        this.service = service;
    }

    @POST
    @PermitAll
    @Consumes(MediaType.WILDCARD)
    @Produces(MediaType.APPLICATION_JSON)
    @Operation(summary = "Receive a signed Stripe invoice event")
    public Map<String, String> receive(String payload, @HeaderParam("Stripe-Signature") String signature) {
        return Map.of("status", service.receive(payload, signature));
    }
}
