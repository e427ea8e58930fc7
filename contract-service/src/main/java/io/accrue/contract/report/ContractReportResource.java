package io.accrue.contract.report;

import java.util.List;

import jakarta.annotation.security.RolesAllowed;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.QueryParam;

import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

import io.accrue.common.security.Roles;
import io.accrue.contract.report.UtilizationService.ContractUtilization;

@Path("/v1/orgs/{orgId}/contracts/report")
@Tag(name = "Contract reports")
public class ContractReportResource {

    private final UtilizationService service;

    ContractReportResource(UtilizationService service) {
        this.service = service;
    }

    @GET
    @RolesAllowed({Roles.OWNER, Roles.BILLING_ADMIN, Roles.MEMBER, Roles.PLATFORM_OPERATOR, Roles.BILLING_SERVICE})
    @Operation(summary = "Commitment utilization against actual consumption, per non-draft contract")
    public List<ContractUtilization> report(@PathParam("orgId") String orgId, @QueryParam("at") String at) {
        return service.report(orgId, at);
    }
}
