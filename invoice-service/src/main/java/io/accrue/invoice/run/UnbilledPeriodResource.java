package io.accrue.invoice.run;

import java.util.List;

import jakarta.annotation.security.RolesAllowed;
import jakarta.validation.Valid;
import jakarta.validation.constraints.NotNull;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.QueryParam;

import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

import io.accrue.common.security.Caller;
import io.accrue.common.security.Roles;
import io.accrue.invoice.run.RunViews.UnbilledPeriod;
import io.accrue.invoice.run.RunViews.WriteOff;

@Path("/v1/operator/unbilled-periods")
@Tag(name = "Billed-through ledger")
public class UnbilledPeriodResource {

    private final UnbilledPeriodService service;
    private final Caller caller;

    UnbilledPeriodResource(UnbilledPeriodService service, Caller caller) {
        this.service = service;
        this.caller = caller;
    }

    @GET
    @RolesAllowed({Roles.PLATFORM_OPERATOR, Roles.BILLING_SERVICE})
    @Operation(summary = "Ended periods not invoiced yet, oldest first: age, attempts, cause, last error")
    public List<UnbilledPeriod> list(@QueryParam("orgId") String orgId) {
        return service.list(orgId == null || orgId.isBlank() ? null : orgId);
    }

    @POST
    @Path("/{id}/retry")
    @RolesAllowed(Roles.PLATFORM_OPERATOR)
    @Operation(summary = "Make the period due for the ledger's next retry now (also one that waits for an operator)")
    public UnbilledPeriod retry(@PathParam("id") String id) {
        return service.retryNow(id);
    }

    @POST
    @Path("/{id}/write-off")
    @RolesAllowed(Roles.PLATFORM_OPERATOR)
    @Operation(summary = "Settle the period without an invoice, with a reason (audited, in the billing export)")
    public UnbilledPeriod writeOff(@PathParam("id") String id, @NotNull @Valid WriteOff request) {
        return service.writeOff(id, request.reason(), caller.subject());
    }
}
