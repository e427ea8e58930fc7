package io.accrue.contract.contracts;

import java.net.URI;
import java.util.UUID;

import jakarta.annotation.security.RolesAllowed;
import jakarta.validation.Valid;
import jakarta.validation.constraints.NotNull;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.core.Response;

import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

import io.accrue.common.security.Caller;
import io.accrue.common.security.Roles;
import io.accrue.contract.contracts.ContractRequests.Amendment;
import io.accrue.contract.contracts.ContractRequests.Renewal;
import io.accrue.contract.contracts.ContractRequests.Termination;
import io.accrue.contract.contracts.ContractRequests.Transition;
import io.accrue.contract.contracts.ContractViews.ContractView;

/** Lifecycle moves; owner, billing-admin and the operator may make them, always with a reason. */
@Path("/v1/orgs/{orgId}/contracts/{contractId}")
@Tag(name = "Contracts")
public class ContractLifecycleResource {

    private final ContractLifecycleService lifecycle;
    private final Caller caller;

    ContractLifecycleResource(ContractLifecycleService lifecycle, Caller caller) {
        this.lifecycle = lifecycle;
        this.caller = caller;
    }

    @POST
    @Path("/activate")
    @RolesAllowed({Roles.OWNER, Roles.BILLING_ADMIN, Roles.PLATFORM_OPERATOR})
    @Operation(summary = "Activate a draft; refused when its term overlaps another contract of the organisation")
    public ContractView activate(@PathParam("orgId") String orgId, @PathParam("contractId") UUID id,
            @NotNull @Valid Transition request) {
        return lifecycle.activate(orgId, id, request.reason(), caller.subject());
    }

    @POST
    @Path("/terminate")
    @RolesAllowed({Roles.OWNER, Roles.BILLING_ADMIN, Roles.PLATFORM_OPERATOR})
    @Operation(summary = "Terminate an active contract now or at a future instant within its term")
    public ContractView terminate(@PathParam("orgId") String orgId, @PathParam("contractId") UUID id,
            @NotNull @Valid Termination request) {
        return lifecycle.terminate(orgId, id, request, caller.subject());
    }

    @POST
    @Path("/amendments")
    @RolesAllowed({Roles.OWNER, Roles.BILLING_ADMIN, Roles.PLATFORM_OPERATOR})
    @Operation(summary = "Amend an active contract: a new version of its terms effective from an instant")
    public Response amend(@PathParam("orgId") String orgId, @PathParam("contractId") UUID id,
            @NotNull @Valid Amendment request) {
        ContractView amended = lifecycle.amend(orgId, id, request, caller.subject());
        return Response.status(201).entity(amended).build();
    }

    @POST
    @Path("/renewals")
    @RolesAllowed({Roles.OWNER, Roles.BILLING_ADMIN, Roles.PLATFORM_OPERATOR})
    @Operation(summary = "Draft the renewal of a contract, starting where its term ends")
    public Response renew(@PathParam("orgId") String orgId, @PathParam("contractId") UUID id,
            @NotNull @Valid Renewal request) {
        ContractView renewal = lifecycle.renew(orgId, id, request, caller.subject());
        return Response.created(URI.create("/v1/orgs/" + orgId + "/contracts/" + renewal.id())).entity(renewal)
                .build();
    }
}
