package io.accrue.contract.credits;

import java.net.URI;
import java.util.List;
import java.util.UUID;

import jakarta.annotation.security.RolesAllowed;
import jakarta.validation.Valid;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.PUT;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.core.Response;

import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

import io.accrue.common.security.Caller;
import io.accrue.common.security.Roles;
import io.accrue.contract.credits.CreditRequests.ReservationView;
import io.accrue.contract.credits.CreditRequests.ReserveCredits;
import io.accrue.contract.credits.CreditRequests.ReturnCredits;
import io.accrue.contract.credits.CreditRequests.ReturnRecorded;
import io.accrue.contract.credits.CreditRequests.ReturnView;

@Path("/v1/orgs/{orgId}/contracts/{contractId}")
@Tag(name = "Prepaid credits")
public class CreditResource {

    private final CreditService service;
    private final Caller caller;

    CreditResource(CreditService service, Caller caller) {
        this.service = service;
        this.caller = caller;
    }

    @PUT
    @Path("/credit-reservations/{reference}")
    @RolesAllowed({Roles.BILLING_SERVICE, Roles.PLATFORM_OPERATOR})
    @Operation(summary = "Hold prepaid credits for an invoice that is not final yet (idempotent per reference)")
    public ReservationView reserve(@PathParam("orgId") String orgId, @PathParam("contractId") UUID contractId,
            @PathParam("reference") @Pattern(regexp = "[A-Za-z0-9._-]{1,128}") String reference,
            @NotNull @Valid ReserveCredits request) {
        return service.reserve(orgId, contractId, reference, request);
    }

    @DELETE
    @Path("/credit-reservations/{reference}")
    @RolesAllowed({Roles.BILLING_SERVICE, Roles.PLATFORM_OPERATOR})
    @Operation(summary = "Release held credits (the period will not be invoiced)")
    public ReservationView release(@PathParam("orgId") String orgId, @PathParam("contractId") UUID contractId,
            @PathParam("reference") String reference) {
        return service.release(orgId, contractId, reference);
    }

    @GET
    @Path("/credit-reservations")
    @RolesAllowed({Roles.OWNER, Roles.BILLING_ADMIN, Roles.MEMBER, Roles.PLATFORM_OPERATOR, Roles.BILLING_SERVICE})
    @Operation(summary = "The contract's credit reservations")
    public List<ReservationView> reservations(@PathParam("orgId") String orgId,
            @PathParam("contractId") UUID contractId) {
        return service.reservations(orgId, contractId);
    }

    @POST
    @Path("/credit-returns")
    @RolesAllowed({Roles.BILLING_SERVICE, Roles.PLATFORM_OPERATOR})
    @Operation(summary = "Give back credits a credit note refunds (idempotent per creditNoteId)")
    public Response giveBack(@PathParam("orgId") String orgId, @PathParam("contractId") UUID contractId,
            @NotNull @Valid ReturnCredits request) {
        ReturnRecorded r = service.giveBack(orgId, contractId, request, caller.subject());
        if (r.replayed()) {
            return Response.ok(r.creditReturn()).header("Idempotent-Replayed", "true").build();
        }
        return Response.created(URI.create("/v1/orgs/" + orgId + "/contracts/" + contractId + "/credit-returns"))
                .entity(r.creditReturn()).build();
    }

    @GET
    @Path("/credit-returns")
    @RolesAllowed({Roles.OWNER, Roles.BILLING_ADMIN, Roles.MEMBER, Roles.PLATFORM_OPERATOR, Roles.BILLING_SERVICE})
    @Operation(summary = "Credits given back by credit notes")
    public List<ReturnView> returns(@PathParam("orgId") String orgId, @PathParam("contractId") UUID contractId) {
        return service.returns(orgId, contractId);
    }
}
