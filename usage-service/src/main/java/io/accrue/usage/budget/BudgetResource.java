package io.accrue.usage.budget;

import java.util.List;

import jakarta.annotation.security.RolesAllowed;
import jakarta.validation.Valid;
import jakarta.validation.constraints.NotNull;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.PUT;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

import io.accrue.common.error.ApiException;
import io.accrue.common.paging.CursorPage;
import io.accrue.common.security.Environment;
import io.accrue.common.security.Roles;
import io.accrue.usage.budget.BudgetRequests.AlertView;
import io.accrue.usage.budget.BudgetRequests.BudgetRequest;
import io.accrue.usage.budget.BudgetRequests.BudgetView;

/** Budgets of one organisation and the alerts they raised (the {@code {orgId}} path is checked against the token). */
@Path("/v1/orgs/{orgId}")
@Tag(name = "Budgets and alerts")
public class BudgetResource {

    private final BudgetService service;

    BudgetResource(BudgetService service) {
        this.service = service;
    }

    @GET
    @Path("/budgets")
    @RolesAllowed({Roles.PLATFORM_OPERATOR, Roles.OWNER, Roles.BILLING_ADMIN, Roles.MEMBER})
    @Operation(summary = "List budgets with where each stands this period")
    public List<BudgetView> list(@PathParam("orgId") String orgId) {
        return service.list(orgId);
    }

    @GET
    @Path("/budgets/{slug}")
    @RolesAllowed({Roles.PLATFORM_OPERATOR, Roles.OWNER, Roles.BILLING_ADMIN, Roles.MEMBER})
    @Operation(summary = "Read a budget with where it stands this period")
    public BudgetView get(@PathParam("orgId") String orgId, @PathParam("slug") String slug) {
        return service.get(orgId, slug);
    }

    @PUT
    @Path("/budgets/{slug}")
    @Consumes(MediaType.APPLICATION_JSON)
    @RolesAllowed({Roles.PLATFORM_OPERATOR, Roles.OWNER, Roles.BILLING_ADMIN})
    @Operation(summary = "Create or replace a budget (monthly, UTC; thresholds default to 50, 80, 100 %)")
    public BudgetView put(@PathParam("orgId") String orgId, @PathParam("slug") String slug,
            @NotNull @Valid BudgetRequest request) {
        return service.put(orgId, slug, request);
    }

    @DELETE
    @Path("/budgets/{slug}")
    @RolesAllowed({Roles.PLATFORM_OPERATOR, Roles.OWNER, Roles.BILLING_ADMIN})
    @Operation(summary = "Delete a budget (its alerts stay listed)")
    public Response delete(@PathParam("orgId") String orgId, @PathParam("slug") String slug) {
        service.delete(orgId, slug);
        return Response.noContent().build();
    }

    @GET
    @Path("/budget-alerts")
    @RolesAllowed({Roles.PLATFORM_OPERATOR, Roles.OWNER, Roles.BILLING_ADMIN, Roles.MEMBER})
    @Operation(summary = "Alerts, newest first, with the publication state of their usage.threshold_reached events")
    public CursorPage<AlertView> alerts(@PathParam("orgId") String orgId, @QueryParam("budget") String budget,
            @QueryParam("environment") String environment, @QueryParam("cursor") String cursor,
            @QueryParam("limit") Integer limit) {
        String env = environment == null
                ? null
                : Environment.parse(environment).map(Environment::wireName).orElseThrow(
                        () -> ApiException.badRequest("invalid_environment", "environment is test or live."));
        return service.alerts(orgId, budget, env, cursor, limit);
    }
}
