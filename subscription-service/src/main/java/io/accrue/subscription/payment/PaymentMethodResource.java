package io.accrue.subscription.payment;

import java.util.List;

import jakarta.annotation.security.RolesAllowed;
import jakarta.transaction.Transactional;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.PUT;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.core.Response;

import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

import io.accrue.common.error.ApiException;
import io.accrue.common.security.Caller;
import io.accrue.common.security.Roles;
import io.accrue.subscription.account.BillingAccountService;
import io.accrue.subscription.audit.AuditTrail;
import io.accrue.subscription.stripe.StripeGateway;
import io.accrue.subscription.stripe.StripeGateway.PaymentMethodInfo;

/** Cards live at Stripe; Accrue lists brand/last 4/expiry, detaches and picks the default. */
@Path("/v1/accounts/{orgId}/payment-methods")
@Tag(name = "Payment methods")
public class PaymentMethodResource {

    private final BillingAccountService accounts;
    private final StripeGateway stripe;
    private final AuditTrail audit;
    private final Caller caller;

    PaymentMethodResource(BillingAccountService accounts, StripeGateway stripe, AuditTrail audit, Caller caller) {
        this.accounts = accounts;
        this.stripe = stripe;
        this.audit = audit;
        this.caller = caller;
    }

    @GET
    @RolesAllowed({Roles.OWNER, Roles.BILLING_ADMIN, Roles.PLATFORM_OPERATOR})
    @Operation(summary = "The organisation's cards (no card data beyond brand, last 4 and expiry)")
    public List<PaymentMethodInfo> list(@PathParam("orgId") String orgId) {
        return stripe.paymentMethods(accounts.stripeCustomer(orgId));
    }

    @DELETE
    @Path("/{paymentMethodId}")
    @RolesAllowed({Roles.OWNER, Roles.BILLING_ADMIN})
    @Transactional
    @Operation(summary = "Detach a card")
    public Response remove(@PathParam("orgId") String orgId, @PathParam("paymentMethodId") String pm) {
        owned(orgId, pm);
        stripe.detachPaymentMethod(pm, "detach-" + pm);
        audit.record(orgId, caller.subject(), "payment_method.removed", "payment_method:" + pm, pm, null);
        return Response.noContent().build();
    }

    @PUT
    @Path("/{paymentMethodId}/default")
    @RolesAllowed({Roles.OWNER, Roles.BILLING_ADMIN})
    @Transactional
    @Operation(summary = "Make a card the default for invoices")
    public List<PaymentMethodInfo> makeDefault(@PathParam("orgId") String orgId,
            @PathParam("paymentMethodId") String pm,
            @HeaderParam("Idempotency-Key") @jakarta.validation.constraints.Size(max = 200) String requestKey) {
        String customer = owned(orgId, pm);
        // The key names this change, not just the card: derived from (customer, card) alone it would make Stripe
        // replay its first answer when the default goes A → B → A, and the card would silently stay B. So it counts
        // the default changes made so far (deterministic: a retry after a failed call reuses it), unless the
        // client sends its own Idempotency-Key for the request (at most 200 characters: with its prefix it stays within
        // the 255 Stripe accepts).
        String key = requestKey == null || requestKey.isBlank()
                ? pm + "-" + audit.count(orgId, "payment_method.default_set")
                : requestKey;
        stripe.setDefaultPaymentMethod(customer, pm, "default-" + customer + "-" + key);
        audit.record(orgId, caller.subject(), "payment_method.default_set", "payment_method:" + pm, null, pm);
        return stripe.paymentMethods(customer);
    }

    /** A card of another customer is "not found": never reveal or touch other organisations' cards. */
    private String owned(String orgId, String pm) {
        String customer = accounts.stripeCustomer(orgId);
        if (!pm.startsWith("pm_") || !customer.equals(stripe.ownerOfPaymentMethod(pm))) {
            throw ApiException.notFound("payment_method_not_found", "No such payment method on this account.");
        }
        return customer;
    }
}
