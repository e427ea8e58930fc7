package io.accrue.usage.metering;

import jakarta.annotation.security.RolesAllowed;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.core.Response;

import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

import io.accrue.common.error.ApiException;
import io.accrue.common.security.Roles;

@Path("/v1/operator/metering")
@Tag(name = "Stripe metering")
public class MeteringOperatorResource {

    private final MeteringRounds rounds;

    MeteringOperatorResource(MeteringRounds rounds) {
        this.rounds = rounds;
    }

    @POST
    @Path("/run")
    @RolesAllowed(Roles.PLATFORM_OPERATOR)
    @Operation(summary = "Start one metering round in the background (queue the last closed hour, drain the outbox); "
            + "202, then GET /v1/operator/metering/run for its outcome")
    public Response run() {
        return Response.accepted(rounds.start()).header("Location", "/v1/operator/metering/run").build();
    }

    @GET
    @Path("/run")
    @RolesAllowed(Roles.PLATFORM_OPERATOR)
    @Operation(summary = "The latest metering round started on this replica: running, done (with its counts) or failed")
    public MeteringRounds.Round latest() {
        MeteringRounds.Round round = rounds.latest();
        if (round == null) {
            throw ApiException.notFound("metering_round_not_found", "No metering round was started on this replica.");
        }
        return round;
    }
}
