package io.accrue.invoice.export;

import jakarta.annotation.security.RolesAllowed;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.StreamingOutput;

import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

import io.accrue.common.security.Roles;
import io.smallrye.common.annotation.Blocking;

@Path("/v1/orgs/{orgId}/billing-export")
@Tag(name = "Billing export")
public class BillingExportResource {

    private final BillingExportService exports;

    BillingExportResource(BillingExportService exports) {
        this.exports = exports;
    }

    @GET
    @Blocking
    @Produces(MediaType.APPLICATION_JSON)
    @RolesAllowed({Roles.PLATFORM_OPERATOR, Roles.OWNER, Roles.BILLING_ADMIN, Roles.BILLING_SERVICE})
    @Operation(summary = "The organisation's full billing history as one streamed JSON document (schema v1)")
    public Response export(@PathParam("orgId") String orgId) {
        BillingExportService.NeighbourData data = exports.gather(orgId);
        StreamingOutput body = out -> exports.write(orgId, data, out);
        return Response.ok(body, MediaType.APPLICATION_JSON)
                .header("Content-Disposition", "attachment; filename=\"accrue-billing-export-" + orgId + ".json\"")
                .header("X-Accrue-Export-Schema", "accrue.billing-export/" + BillingExportService.SCHEMA_VERSION)
                .build();
    }
}
