package io.accrue.subscription.hooks;

import jakarta.annotation.security.RolesAllowed;
import jakarta.validation.constraints.Size;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.QueryParam;

import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

import io.accrue.common.paging.CursorPage;
import io.accrue.common.security.Roles;
import io.accrue.subscription.hooks.WebhookEndpointService.DeliveryView;

/** The delivery log: every delivery of the organisation's events, with each attempt's response code. */
@Path("/v1/accounts/{orgId}/webhook-deliveries")
@Tag(name = "Webhooks")
public class WebhookDeliveryResource {

    private final WebhookEndpointService service;

    WebhookDeliveryResource(WebhookEndpointService service) {
        this.service = service;
    }

    @GET
    @RolesAllowed({Roles.OWNER, Roles.BILLING_ADMIN, Roles.PLATFORM_OPERATOR})
    @Operation(summary = "Webhook deliveries, newest first, optionally of one endpoint or one event")
    public CursorPage<DeliveryView> list(@PathParam("orgId") String orgId,
            @QueryParam("endpointId") @Size(max = 64) String endpointId,
            @QueryParam("eventId") @Size(max = 64) String eventId, @QueryParam("cursor") String cursor,
            @QueryParam("limit") Integer limit) {
        return service.deliveries(orgId, endpointId, eventId, cursor, limit);
    }
}
