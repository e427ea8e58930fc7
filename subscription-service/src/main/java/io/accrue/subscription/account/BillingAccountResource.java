package io.accrue.subscription.account;

import java.net.URI;

import jakarta.annotation.security.RolesAllowed;
import jakarta.validation.Valid;
import jakarta.validation.constraints.NotNull;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.PUT;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.Response;

import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

import io.accrue.common.paging.CursorPage;
import io.accrue.common.security.Caller;
import io.accrue.common.security.Roles;
import io.accrue.subscription.account.AccountRequests.AccountView;
import io.accrue.subscription.account.AccountRequests.CreateAccount;

@Path("/v1/accounts")
@Tag(name = "Billing accounts")
public class BillingAccountResource {

    private final BillingAccountService service;
    private final Caller caller;

    BillingAccountResource(BillingAccountService service, Caller caller) {
        this.service = service;
        this.caller = caller;
    }

    public record FeatureFlags(@NotNull Boolean meteredEnabled) {}

    @GET
    @RolesAllowed({Roles.PLATFORM_OPERATOR, Roles.BILLING_SERVICE})
    @Operation(summary = "Every billing account, a cursor page ordered by organisation id")
    public CursorPage<AccountView> list(@QueryParam("cursor") String cursor, @QueryParam("limit") Integer limit) {
        return service.list(cursor, limit);
    }

    @PUT
    @Path("/{orgId}/feature-flags")
    @RolesAllowed(Roles.PLATFORM_OPERATOR)
    @Operation(summary = "Set feature flags (metered_enabled)")
    public AccountView flags(@PathParam("orgId") String orgId, @NotNull @Valid FeatureFlags body) {
        return service.setMeteredEnabled(orgId, body.meteredEnabled());
    }

    @POST
    @RolesAllowed(Roles.PLATFORM_OPERATOR)
    @Operation(summary = "Provision the billing account and Stripe customer of an organisation (idempotent)")
    public Response create(@NotNull @Valid CreateAccount request) {
        boolean existed = service.exists(request.orgId());
        AccountView created = service.create(request, caller.subject());
        created = service.ensureCustomer(created.orgId());
        return existed
                ? Response.ok(created).build()
                : Response.created(URI.create("/v1/accounts/" + created.orgId())).entity(created).build();
    }

    @PUT
    @Path("/{orgId}/billing-details")
    @RolesAllowed({Roles.PLATFORM_OPERATOR, Roles.OWNER, Roles.BILLING_ADMIN})
    @Operation(summary = "Replace who invoices are addressed to: legal name, postal address, tax id")
    public AccountView billingDetails(@PathParam("orgId") String orgId,
            @NotNull @Valid AccountRequests.BillingDetails body) {
        return service.setBillingDetails(orgId, body, caller.subject());
    }

    @PUT
    @Path("/{orgId}/stripe-connect")
    @RolesAllowed({Roles.PLATFORM_OPERATOR, Roles.OWNER, Roles.BILLING_ADMIN})
    @Operation(summary = "Store the organisation's Stripe Connect account (acct_…) for end-user invoicing; null removes it")
    public AccountView stripeConnect(@PathParam("orgId") String orgId,
            @NotNull @Valid AccountRequests.StripeConnect body) {
        return service.setStripeConnect(orgId, body.accountId(), caller.subject());
    }

    @GET
    @Path("/{orgId}")
    @RolesAllowed({Roles.PLATFORM_OPERATOR, Roles.OWNER, Roles.BILLING_ADMIN, Roles.MEMBER, Roles.BILLING_SERVICE})
    @Operation(summary = "Read an organisation's billing account")
    public AccountView get(@PathParam("orgId") String orgId) {
        return service.get(orgId);
    }
}
