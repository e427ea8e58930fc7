package io.accrue.contract.drawdown;

import java.net.URI;
import java.util.List;
import java.util.UUID;

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

import io.accrue.common.security.Caller;
import io.accrue.common.security.Roles;
import io.accrue.contract.drawdown.DrawdownRequests.DrawdownView;
import io.accrue.contract.drawdown.DrawdownRequests.RecordDrawdown;
import io.accrue.contract.drawdown.DrawdownRequests.Recorded;

@Path("/v1/orgs/{orgId}/contracts/{contractId}/drawdowns")
@Tag(name = "Drawdown ledger")
public class DrawdownResource {

    private final DrawdownService service;
    private final Caller caller;

    DrawdownResource(DrawdownService service, Caller caller) {
        this.service = service;
        this.caller = caller;
    }

    @POST
    @RolesAllowed({Roles.BILLING_SERVICE, Roles.PLATFORM_OPERATOR})
    @Operation(summary = "Record an invoice's consumption against the contract; idempotent per invoiceId "
            + "(201 first time, 200 with the first result on a replay)")
    public Response record(@PathParam("orgId") String orgId, @PathParam("contractId") UUID contractId,
            @NotNull @Valid RecordDrawdown request) {
        Recorded r = service.record(orgId, contractId, request, caller.subject());
        if (r.replayed()) {
            return Response.ok(r.drawdown()).header("Idempotent-Replayed", "true").build();
        }
        return Response.created(URI.create("/v1/orgs/" + orgId + "/contracts/" + contractId + "/drawdowns"))
                .entity(r.drawdown()).build();
    }

    @GET
    @RolesAllowed({Roles.OWNER, Roles.BILLING_ADMIN, Roles.MEMBER, Roles.PLATFORM_OPERATOR, Roles.BILLING_SERVICE})
    @Operation(summary = "The contract's drawdown ledger")
    public List<DrawdownView> list(@PathParam("orgId") String orgId, @PathParam("contractId") UUID contractId) {
        return service.list(orgId, contractId);
    }
}
