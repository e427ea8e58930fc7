package io.accrue.invoice.run;

import java.net.URI;

import jakarta.annotation.security.RolesAllowed;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.core.Response;

import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

import io.accrue.common.security.Caller;
import io.accrue.common.security.Roles;
import io.accrue.invoice.run.RunViews.RunView;
import io.accrue.invoice.run.RunViews.StartRun;

@Path("/v1/billing-runs")
@Tag(name = "Billing runs")
public class BillingRunResource {

    private final BillingRunService service;
    private final BillingRunTrigger trigger;
    private final Caller caller;

    BillingRunResource(BillingRunService service, BillingRunTrigger trigger, Caller caller) {
        this.service = service;
        this.trigger = trigger;
        this.caller = caller;
    }

    @POST
    @RolesAllowed({Roles.BILLING_SERVICE, Roles.PLATFORM_OPERATOR})
    @Operation(summary = "Close every account whose period ended by asOf (idempotent per asOf)")
    public Response start(StartRun request) {
        RunView run = service.start(request == null ? null : request.asOf(), caller.subject());
        trigger.kick(run.id());
        return Response.accepted(run).location(URI.create("/v1/billing-runs/" + run.id())).build();
    }

    @GET
    @Path("/{runId}")
    @RolesAllowed({Roles.BILLING_SERVICE, Roles.PLATFORM_OPERATOR})
    @Operation(summary = "A billing run's status and progress")
    public RunView get(@PathParam("runId") String runId) {
        return service.get(runId);
    }
}
