package io.accrue.subscription.account;

import java.net.URI;

import jakarta.annotation.security.RolesAllowed;
import jakarta.validation.Valid;
import jakarta.validation.constraints.NotNull;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.core.Response;

import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

import io.accrue.common.security.Roles;
import io.accrue.subscription.account.AccountRequests.AccountView;
import io.accrue.subscription.account.AccountRequests.CreateAccount;

@Path("/v1/accounts")
@Tag(name = "Billing accounts")
public class BillingAccountResource {

    private final BillingAccountService service;

    BillingAccountResource(BillingAccountService service) {
        this.service = service;
    }

    @POST
    @RolesAllowed(Roles.PLATFORM_OPERATOR)
    @Operation(summary = "Provision the billing account of an organisation")
    public Response create(@NotNull @Valid CreateAccount request) {
        AccountView created = service.create(request);
        return Response.created(URI.create("/v1/accounts/" + created.orgId())).entity(created).build();
    }

    @GET
    @Path("/{orgId}")
    @RolesAllowed({Roles.PLATFORM_OPERATOR, Roles.OWNER, Roles.BILLING_ADMIN, Roles.MEMBER, Roles.BILLING_SERVICE})
    @Operation(summary = "Read an organisation's billing account")
    public AccountView get(@PathParam("orgId") String orgId) {
        return service.get(orgId);
    }
}
