package io.accrue.usage.budget;

import jakarta.annotation.security.RolesAllowed;
import jakarta.validation.constraints.Size;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;

import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

import io.accrue.common.error.ApiException;
import io.accrue.common.security.Roles;

/**
 * usage-service's own webhook endpoints, retired: budget alerts are {@code usage.threshold_reached} billing events
 * delivered by subscription-service's one delivery system (docs/webhooks.md). The old paths answer 410 Gone with a
 * problem that names the new place, rather than a 404 that a caller could read as a wrong organisation or a typo,
 * and rather than quietly accepting a registration that would receive nothing.
 */
@Path("/v1/orgs/{orgId}/webhook-endpoints")
@Tag(name = "Budgets and alerts")
public class RetiredWebhookEndpointResource {

    static final String CODE = "webhook_endpoints_moved";

    @GET
    @RolesAllowed({Roles.PLATFORM_OPERATOR, Roles.OWNER, Roles.BILLING_ADMIN})
    @Operation(summary = "Retired (410 webhook_endpoints_moved): endpoints are registered at subscription-service")
    public void list(@PathParam("orgId") String orgId) {
        throw moved(orgId);
    }

    @POST
    @RolesAllowed({Roles.PLATFORM_OPERATOR, Roles.OWNER, Roles.BILLING_ADMIN})
    @Operation(summary = "Retired (410 webhook_endpoints_moved): register at subscription-service instead")
    public void register(@PathParam("orgId") String orgId) {
        throw moved(orgId);
    }

    @DELETE
    @Path("/{id}")
    @RolesAllowed({Roles.PLATFORM_OPERATOR, Roles.OWNER, Roles.BILLING_ADMIN})
    @Operation(summary = "Retired (410 webhook_endpoints_moved): endpoints are managed at subscription-service")
    public void remove(@PathParam("orgId") String orgId, @PathParam("id") @Size(max = 36) String id) {
        throw moved(orgId);
    }

    static ApiException moved(String orgId) {
        return new ApiException(410, CODE, "Webhook endpoints moved",
                "Budget alerts are usage.threshold_reached billing events, delivered to the endpoints registered at "
                        + "subscription-service: /v1/accounts/" + orgId + "/webhook-endpoints (docs/webhooks.md).");
    }
}
