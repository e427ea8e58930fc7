package io.accrue.contract.report;

import java.util.UUID;

import jakarta.annotation.security.RolesAllowed;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.QueryParam;

import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

import io.accrue.common.security.Roles;
import io.accrue.contract.report.UtilizationService.ContractUtilization;

@Path("/v1/orgs/{orgId}/contracts")
@Tag(name = "Contract reports")
public class UtilizationResource {

    private final UtilizationService service;

    UtilizationResource(UtilizationService service) {
        this.service = service;
    }

    @GET
    @Path("/{contractId}/utilization")
    @RolesAllowed({Roles.OWNER, Roles.BILLING_ADMIN, Roles.MEMBER, Roles.PLATFORM_OPERATOR, Roles.BILLING_SERVICE})
    @Operation(summary = "Consumed vs committed per commitment period, remaining, projected shortfall, credits")
    public ContractUtilization utilization(@PathParam("orgId") String orgId, @PathParam("contractId") UUID id,
            @QueryParam("at") String at) {
        return service.of(orgId, id, at);
    }
}
