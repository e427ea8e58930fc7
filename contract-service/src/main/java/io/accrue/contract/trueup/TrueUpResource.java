package io.accrue.contract.trueup;

import java.util.List;
import java.util.UUID;

import jakarta.annotation.security.RolesAllowed;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;

import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

import io.accrue.common.security.Caller;
import io.accrue.common.security.Roles;
import io.accrue.contract.trueup.TrueUpService.TrueUpView;

@Path("/v1/orgs/{orgId}/contracts/{contractId}/true-ups")
@Tag(name = "True-up")
public class TrueUpResource {

    private final TrueUpService service;
    private final Caller caller;

    TrueUpResource(TrueUpService service, Caller caller) {
        this.service = service;
        this.caller = caller;
    }

    @POST
    @RolesAllowed({Roles.BILLING_SERVICE, Roles.PLATFORM_OPERATOR, Roles.OWNER, Roles.BILLING_ADMIN})
    @Operation(summary = "Settle every ended commitment period not settled yet (idempotent); answers all true-ups")
    public List<TrueUpView> settle(@PathParam("orgId") String orgId, @PathParam("contractId") UUID contractId) {
        return service.settle(orgId, contractId, caller.subject());
    }

    @GET
    @RolesAllowed({Roles.BILLING_SERVICE, Roles.PLATFORM_OPERATOR, Roles.OWNER, Roles.BILLING_ADMIN, Roles.MEMBER})
    @Operation(summary = "The contract's true-ups, one per ended commitment period")
    public List<TrueUpView> list(@PathParam("orgId") String orgId, @PathParam("contractId") UUID contractId) {
        return service.list(orgId, contractId);
    }
}
