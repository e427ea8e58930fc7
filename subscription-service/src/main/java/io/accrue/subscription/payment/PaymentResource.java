package io.accrue.subscription.payment;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.util.HexFormat;

import jakarta.annotation.security.RolesAllowed;
import jakarta.validation.Valid;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.Size;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;

import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

import io.accrue.common.security.Roles;
import io.accrue.subscription.account.BillingAccountService;
import io.accrue.subscription.gate.SpendGate;
import io.accrue.subscription.stripe.StripeGateway;

/** Stripe-hosted flows: no card data ever reaches Accrue. */
@Path("/v1/accounts/{orgId}")
@Tag(name = "Payments")
public class PaymentResource {

    public record CheckoutRequest(@NotBlank @Size(max = 255) @Pattern(regexp = "price_[A-Za-z0-9_]+") String priceId,
            @NotBlank @Size(max = 2000) @Pattern(regexp = "https?://.+") String successUrl,
            @NotBlank @Size(max = 2000) @Pattern(regexp = "https?://.+") String cancelUrl) {}

    public record PortalRequest(@NotBlank @Size(max = 2000) @Pattern(regexp = "https?://.+") String returnUrl) {}

    public record UrlView(String url) {}

    public record SetupIntentView(String id, String clientSecret) {}

    private final BillingAccountService accounts;
    private final SpendGate gate;
    private final StripeGateway stripe;
    private final Clock clock;

    PaymentResource(BillingAccountService accounts, SpendGate gate, StripeGateway stripe, Clock clock) {
        this.accounts = accounts;
        this.gate = gate;
        this.stripe = stripe;
        this.clock = clock;
    }

    @POST
    @Path("/checkout-sessions")
    @RolesAllowed({Roles.OWNER, Roles.BILLING_ADMIN})
    @Operation(summary = "Start a Stripe Checkout session (refused by the spend gate)")
    public UrlView checkout(@PathParam("orgId") String orgId, @NotNull @Valid CheckoutRequest body) {
        gate.requireOpen(orgId);
        String customer = accounts.stripeCustomer(orgId);
        // the same request within the same hour returns the same session instead of a second one
        String key = "checkout-" + orgId + "-" + digest(body.priceId() + "|" + body.successUrl() + "|"
                + body.cancelUrl() + "|" + clock.instant().getEpochSecond() / 3600);
        return new UrlView(stripe.checkoutSession(customer, body.priceId(), body.successUrl(), body.cancelUrl(), key));
    }

    @POST
    @Path("/portal-sessions")
    @RolesAllowed({Roles.OWNER, Roles.BILLING_ADMIN})
    @Operation(summary = "Open the Stripe customer portal")
    public UrlView portal(@PathParam("orgId") String orgId, @NotNull @Valid PortalRequest body) {
        String customer = accounts.stripeCustomer(orgId);
        String key = "portal-" + orgId + "-" + digest(body.returnUrl() + "|" + clock.instant().getEpochSecond() / 300);
        return new UrlView(stripe.portalSession(customer, body.returnUrl(), key));
    }

    @POST
    @Path("/setup-intents")
    @RolesAllowed({Roles.OWNER, Roles.BILLING_ADMIN})
    @Operation(summary = "A SetupIntent for adding a card by client-side tokenization; returns the client secret")
    public SetupIntentView setupIntent(@PathParam("orgId") String orgId) {
        String customer = accounts.stripeCustomer(orgId);
        String key = "setup-" + orgId + "-" + clock.instant().getEpochSecond() / 300;
        StripeGateway.SetupIntentResult r = stripe.setupIntent(customer, key);
        return new SetupIntentView(r.id(), r.clientSecret());
    }

    private static String digest(String text) {
        try {
            byte[] hash = MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(hash, 0, 12);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
