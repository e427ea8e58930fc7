package io.accrue.contract.terms;

import jakarta.annotation.security.RolesAllowed;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.QueryParam;

import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

import io.accrue.common.security.Roles;

@Path("/v1/orgs/{orgId}/contracts/terms")
@Tag(name = "Contract terms")
public class TermsResource {

    private final TermsService service;

    TermsResource(TermsService service) {
        this.service = service;
    }

    @GET
    @RolesAllowed({Roles.BILLING_SERVICE, Roles.PLATFORM_OPERATOR, Roles.OWNER, Roles.BILLING_ADMIN, Roles.MEMBER})
    @Operation(summary = "The contract terms in effect at an instant (default now), or 404 no_active_contract")
    public TermsView terms(@PathParam("orgId") String orgId, @QueryParam("at") String at) {
        return service.at(orgId, at);
    }
}
