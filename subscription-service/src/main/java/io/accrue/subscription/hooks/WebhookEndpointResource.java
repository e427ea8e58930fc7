package io.accrue.subscription.hooks;

import java.net.URI;

import jakarta.annotation.security.RolesAllowed;
import jakarta.validation.Valid;
import jakarta.validation.constraints.NotNull;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.PATCH;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.core.Response;

import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

import io.accrue.common.paging.CursorPage;
import io.accrue.common.security.Caller;
import io.accrue.common.security.Roles;
import io.accrue.subscription.hooks.WebhookEndpointService.CreatedEndpoint;
import io.accrue.subscription.hooks.WebhookEndpointService.DeliveryView;
import io.accrue.subscription.hooks.WebhookEndpointService.EndpointDraft;
import io.accrue.subscription.hooks.WebhookEndpointService.EndpointPatch;
import io.accrue.subscription.hooks.WebhookEndpointService.EndpointView;

/** Where an organisation receives its billing events (Standard Webhooks); managed by its owner or billing-admin. */
@Path("/v1/accounts/{orgId}/webhook-endpoints")
@Tag(name = "Webhooks")
public class WebhookEndpointResource {

    private final WebhookEndpointService service;
    private final Caller caller;

    WebhookEndpointResource(WebhookEndpointService service, Caller caller) {
        this.service = service;
        this.caller = caller;
    }

    @GET
    @RolesAllowed({Roles.OWNER, Roles.BILLING_ADMIN, Roles.PLATFORM_OPERATOR})
    @Operation(summary = "Webhook endpoints of the organisation (never their secrets)")
    public CursorPage<EndpointView> list(@PathParam("orgId") String orgId) {
        return service.list(orgId);
    }

    @POST
    @RolesAllowed({Roles.OWNER, Roles.BILLING_ADMIN})
    @Operation(summary = "Register an endpoint; the answer holds its whsec_ signing secret, shown this once")
    public Response create(@PathParam("orgId") String orgId, @NotNull @Valid EndpointDraft body) {
        CreatedEndpoint created = service.create(orgId, body, caller.subject());
        return Response.created(URI.create("/v1/accounts/" + orgId + "/webhook-endpoints/"
                + created.endpoint().id())).entity(created).build();
    }

    @GET
    @Path("/{endpointId}")
    @RolesAllowed({Roles.OWNER, Roles.BILLING_ADMIN, Roles.PLATFORM_OPERATOR})
    @Operation(summary = "One webhook endpoint")
    public EndpointView get(@PathParam("orgId") String orgId, @PathParam("endpointId") String endpointId) {
        return service.get(orgId, WebhookEndpointService.uuid(endpointId));
    }

    @PATCH
    @Path("/{endpointId}")
    @RolesAllowed({Roles.OWNER, Roles.BILLING_ADMIN})
    @Operation(summary = "Change an endpoint's URL, description, event types or enabled flag")
    public EndpointView update(@PathParam("orgId") String orgId, @PathParam("endpointId") String endpointId,
            @NotNull @Valid EndpointPatch body) {
        return service.update(orgId, WebhookEndpointService.uuid(endpointId), body, caller.subject());
    }

    @DELETE
    @Path("/{endpointId}")
    @RolesAllowed({Roles.OWNER, Roles.BILLING_ADMIN})
    @Operation(summary = "Delete an endpoint; its pending deliveries are canceled")
    public Response delete(@PathParam("orgId") String orgId, @PathParam("endpointId") String endpointId) {
        service.delete(orgId, WebhookEndpointService.uuid(endpointId), caller.subject());
        return Response.noContent().build();
    }

    @POST
    @Path("/{endpointId}/rotate-secret")
    @RolesAllowed({Roles.OWNER, Roles.BILLING_ADMIN})
    @Operation(summary = "A new signing secret (shown this once); the old one also signs for 24 hours")
    public CreatedEndpoint rotate(@PathParam("orgId") String orgId, @PathParam("endpointId") String endpointId) {
        return service.rotate(orgId, WebhookEndpointService.uuid(endpointId), caller.subject());
    }

    @POST
    @Path("/{endpointId}/test")
    @RolesAllowed({Roles.OWNER, Roles.BILLING_ADMIN})
    @Operation(summary = "Send a test.ping event to this endpoint")
    public Response test(@PathParam("orgId") String orgId, @PathParam("endpointId") String endpointId) {
        DeliveryView d = service.ping(orgId, WebhookEndpointService.uuid(endpointId));
        return Response.accepted(d).build();
    }
}
