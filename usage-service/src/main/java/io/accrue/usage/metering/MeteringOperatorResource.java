package io.accrue.usage.metering;

import jakarta.annotation.security.RolesAllowed;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;

import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

import io.accrue.common.security.Roles;

@Path("/v1/operator/metering")
@Tag(name = "Stripe metering")
public class MeteringOperatorResource {

    private final MeteringService metering;

    MeteringOperatorResource(MeteringService metering) {
        this.metering = metering;
    }

    @POST
    @Path("/run")
    @RolesAllowed(Roles.PLATFORM_OPERATOR)
    @Operation(summary = "Run one metering round now (queue the last closed hour, drain the outbox)")
    public MeteringService.RoundResult run() {
        return metering.runRound();
    }
}
