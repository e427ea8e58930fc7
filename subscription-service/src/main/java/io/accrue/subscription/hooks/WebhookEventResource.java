package io.accrue.subscription.hooks;

import jakarta.annotation.security.RolesAllowed;
import jakarta.validation.Valid;
import jakarta.validation.constraints.NotNull;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.core.Response;

import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

import io.accrue.common.security.Roles;
import io.accrue.subscription.hooks.WebhookEndpointService.ReplayRange;
import io.accrue.subscription.hooks.WebhookEndpointService.ReplayResult;

/** Replays: a stored event sent again, under its own id, to the endpoints subscribed to it now. */
@Path("/v1/accounts/{orgId}/webhook-events")
@Tag(name = "Webhooks")
public class WebhookEventResource {

    private final WebhookEndpointService service;

    WebhookEventResource(WebhookEndpointService service) {
        this.service = service;
    }

    @POST
    @Path("/{eventId}/replay")
    @RolesAllowed({Roles.OWNER, Roles.BILLING_ADMIN})
    @Operation(summary = "Replay one billing event")
    public Response replayOne(@PathParam("orgId") String orgId, @PathParam("eventId") String eventId) {
        return Response.accepted(service.replay(orgId, eventId)).build();
    }

    @POST
    @Path("/replay")
    @RolesAllowed({Roles.OWNER, Roles.BILLING_ADMIN})
    @Operation(summary = "Replay every billing event that occurred in [from, to) (at most 1000)")
    public Response replayRange(@PathParam("orgId") String orgId, @NotNull @Valid ReplayRange body) {
        ReplayResult result = service.replay(orgId, body);
        return Response.accepted(result).build();
    }
}
