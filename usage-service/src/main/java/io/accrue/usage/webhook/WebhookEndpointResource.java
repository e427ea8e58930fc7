package io.accrue.usage.webhook;

import java.util.List;
import java.util.UUID;

import jakarta.annotation.security.RolesAllowed;
import jakarta.validation.Valid;
import jakarta.validation.constraints.NotNull;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

import io.accrue.common.security.Roles;
import io.accrue.usage.webhook.WebhookRequests.EndpointRequest;
import io.accrue.usage.webhook.WebhookRequests.EndpointView;

/** Where an organisation receives signed alert webhooks ({@code Accrue-Signature}, one secret per endpoint). */
@Path("/v1/orgs/{orgId}/webhook-endpoints")
@Tag(name = "Budgets and alerts")
public class WebhookEndpointResource {

    private final WebhookEndpoints endpoints;

    WebhookEndpointResource(WebhookEndpoints endpoints) {
        this.endpoints = endpoints;
    }

    @GET
    @RolesAllowed({Roles.PLATFORM_OPERATOR, Roles.OWNER, Roles.BILLING_ADMIN})
    @Operation(summary = "List webhook endpoints (without their secrets)")
    public List<EndpointView> list(@PathParam("orgId") String orgId) {
        return endpoints.list(orgId);
    }

    @POST
    @Consumes(MediaType.APPLICATION_JSON)
    @RolesAllowed({Roles.PLATFORM_OPERATOR, Roles.OWNER, Roles.BILLING_ADMIN})
    @Operation(summary = "Register a webhook endpoint; the answer shows its signing secret, once")
    public Response register(@PathParam("orgId") String orgId, @NotNull @Valid EndpointRequest request) {
        return Response.status(201).entity(endpoints.register(orgId, request)).build();
    }

    @DELETE
    @Path("/{id}")
    @RolesAllowed({Roles.PLATFORM_OPERATOR, Roles.OWNER, Roles.BILLING_ADMIN})
    @Operation(summary = "Remove a webhook endpoint; deliveries still pending to it are canceled")
    public Response remove(@PathParam("orgId") String orgId, @PathParam("id") UUID id) {
        endpoints.remove(orgId, id);
        return Response.noContent().build();
    }
}
