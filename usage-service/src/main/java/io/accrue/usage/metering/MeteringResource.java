package io.accrue.usage.metering;

import java.time.Instant;

import jakarta.annotation.security.RolesAllowed;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.QueryParam;

import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

import io.accrue.common.error.ApiException;
import io.accrue.common.security.Roles;

@Path("/v1/orgs/{orgId}/metering")
@Tag(name = "Stripe metering")
public class MeteringResource {

    private final MeterOutbox outbox;

    MeteringResource(MeterOutbox outbox) {
        this.outbox = outbox;
    }

    @GET
    @Path("/reconciliation")
    @RolesAllowed({Roles.PLATFORM_OPERATOR, Roles.OWNER, Roles.BILLING_ADMIN, Roles.BILLING_SERVICE})
    @Operation(summary = "Live tokens recorded in [from, to) against what was reported to Stripe, pending, and not yet queued")
    public MeterOutbox.Reconciliation reconcile(@PathParam("orgId") String orgId, @QueryParam("from") Instant from,
            @QueryParam("to") Instant to) {
        if (from == null || to == null || !from.isBefore(to)) {
            throw ApiException.badRequest("window_invalid", "from and to are required and from must be before to.");
        }
        return outbox.reconcile(orgId, from, to);
    }
}
