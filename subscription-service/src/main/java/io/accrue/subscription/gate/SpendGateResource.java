package io.accrue.subscription.gate;

import jakarta.annotation.security.RolesAllowed;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;

import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

import io.accrue.common.security.Roles;

@Path("/v1/accounts/{orgId}/spend-gate")
@Tag(name = "Spend gate")
public class SpendGateResource {

    private final SpendGate gate;

    SpendGateResource(SpendGate gate) {
        this.gate = gate;
    }

    @GET
    @RolesAllowed({Roles.PLATFORM_OPERATOR, Roles.OWNER, Roles.BILLING_ADMIN, Roles.MEMBER, Roles.BILLING_SERVICE})
    @Operation(summary = "Whether new charges are allowed, and why not")
    public SpendGate.Decision get(@PathParam("orgId") String orgId) {
        return gate.evaluate(orgId);
    }
}
