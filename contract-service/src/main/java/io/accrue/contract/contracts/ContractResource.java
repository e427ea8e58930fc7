package io.accrue.contract.contracts;

import java.net.URI;
import java.util.UUID;

import jakarta.annotation.security.RolesAllowed;
import jakarta.validation.Valid;
import jakarta.validation.constraints.NotNull;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.PUT;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.Response;

import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

import io.accrue.common.paging.CursorPage;
import io.accrue.common.security.Caller;
import io.accrue.common.security.Roles;
import io.accrue.contract.contracts.ContractRequests.ContractDraft;
import io.accrue.contract.contracts.ContractViews.ContractView;
import io.accrue.contract.records.ContractRecord;
import io.accrue.contract.records.ContractRecordsService;

@Path("/v1/orgs/{orgId}/contracts")
@Tag(name = "Contracts")
public class ContractResource {

    // owner and billing-admin manage their own organisation's contracts; the operator any (design.md roles)
    private final ContractService service;
    private final ContractRecordsService records;
    private final Caller caller;

    ContractResource(ContractService service, ContractRecordsService records, Caller caller) {
        this.service = service;
        this.records = records;
        this.caller = caller;
    }

    @POST
    @RolesAllowed({Roles.OWNER, Roles.BILLING_ADMIN, Roles.PLATFORM_OPERATOR})
    @Operation(summary = "Draft a contract")
    public Response create(@PathParam("orgId") String orgId, @NotNull @Valid ContractDraft draft) {
        ContractView created = service.create(orgId, draft, caller.subject());
        return Response.created(URI.create("/v1/orgs/" + orgId + "/contracts/" + created.id())).entity(created)
                .build();
    }

    @GET
    @RolesAllowed({Roles.OWNER, Roles.BILLING_ADMIN, Roles.MEMBER, Roles.PLATFORM_OPERATOR, Roles.BILLING_SERVICE})
    @Operation(summary = "The organisation's contract records, oldest first: each contract with its versions, "
            + "transitions, drawdown ledger and true-ups (what the billing export archives)")
    public CursorPage<ContractRecord> list(@PathParam("orgId") String orgId, @QueryParam("cursor") String cursor,
            @QueryParam("limit") Integer limit) {
        return records.page(orgId, cursor, limit);
    }

    @GET
    @Path("/{contractId}")
    @RolesAllowed({Roles.OWNER, Roles.BILLING_ADMIN, Roles.MEMBER, Roles.PLATFORM_OPERATOR, Roles.BILLING_SERVICE})
    @Operation(summary = "Read a contract with its versions and transitions")
    public ContractView get(@PathParam("orgId") String orgId, @PathParam("contractId") UUID contractId) {
        return service.get(orgId, contractId);
    }

    @PUT
    @Path("/{contractId}")
    @RolesAllowed({Roles.OWNER, Roles.BILLING_ADMIN, Roles.PLATFORM_OPERATOR})
    @Operation(summary = "Replace a draft's content (drafts only)")
    public ContractView replace(@PathParam("orgId") String orgId, @PathParam("contractId") UUID contractId,
            @NotNull @Valid ContractDraft draft) {
        return service.replaceDraft(orgId, contractId, draft, caller.subject());
    }
}
