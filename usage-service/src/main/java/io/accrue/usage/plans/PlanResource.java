package io.accrue.usage.plans;

import java.util.List;

import jakarta.annotation.security.RolesAllowed;
import jakarta.validation.Valid;
import jakarta.validation.constraints.NotNull;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.PUT;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.QueryParam;

import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

import io.accrue.common.paging.CursorPage;
import io.accrue.common.security.Roles;
import io.accrue.usage.plans.PlanRequests.Block;
import io.accrue.usage.plans.PlanRequests.ChangePlan;
import io.accrue.usage.plans.PlanRequests.EndUserView;
import io.accrue.usage.plans.PlanRequests.RatePlanRequest;
import io.accrue.usage.plans.PlanRequests.RatePlanView;

/** Rate plans and end users of one organisation (the {@code {orgId}} path is checked against the token). */
@Path("/v1/orgs/{orgId}")
@Tag(name = "Rate plans and end users")
public class PlanResource {

    private final PlanService service;

    PlanResource(PlanService service) {
        this.service = service;
    }

    @GET
    @Path("/rate-plans")
    @RolesAllowed({Roles.PLATFORM_OPERATOR, Roles.OWNER, Roles.BILLING_ADMIN, Roles.MEMBER})
    @Operation(summary = "List rate plans")
    public List<RatePlanView> plans(@PathParam("orgId") String orgId) {
        return service.plans(orgId);
    }

    @GET
    @Path("/rate-plans/{slug}")
    @RolesAllowed({Roles.PLATFORM_OPERATOR, Roles.OWNER, Roles.BILLING_ADMIN, Roles.MEMBER})
    @Operation(summary = "Read a rate plan")
    public RatePlanView plan(@PathParam("orgId") String orgId, @PathParam("slug") String slug) {
        return service.plan(orgId, slug);
    }

    @PUT
    @Path("/rate-plans/{slug}")
    @RolesAllowed({Roles.PLATFORM_OPERATOR, Roles.OWNER, Roles.BILLING_ADMIN})
    @Operation(summary = "Create or replace a rate plan (the first plan becomes the default)")
    public RatePlanView put(@PathParam("orgId") String orgId, @PathParam("slug") String slug,
            @NotNull @Valid RatePlanRequest request) {
        return service.put(orgId, slug, request);
    }

    @GET
    @Path("/end-users")
    @RolesAllowed({Roles.PLATFORM_OPERATOR, Roles.OWNER, Roles.BILLING_ADMIN, Roles.MEMBER})
    @Operation(summary = "Search end users (id contains q; filter by blocked and plan)")
    public CursorPage<EndUserView> endUsers(@PathParam("orgId") String orgId, @QueryParam("q") String q,
            @QueryParam("blocked") Boolean blocked, @QueryParam("plan") String plan,
            @QueryParam("cursor") String cursor, @QueryParam("limit") Integer limit) {
        return service.search(orgId, q, blocked, plan, cursor, limit);
    }

    @GET
    @Path("/end-users/{endUserId}")
    @RolesAllowed({Roles.PLATFORM_OPERATOR, Roles.OWNER, Roles.BILLING_ADMIN, Roles.MEMBER})
    @Operation(summary = "Read an end user")
    public EndUserView endUser(@PathParam("orgId") String orgId, @PathParam("endUserId") String endUserId) {
        return service.endUser(orgId, endUserId);
    }

    @POST
    @Path("/end-users/{endUserId}/block")
    @RolesAllowed({Roles.PLATFORM_OPERATOR, Roles.OWNER, Roles.BILLING_ADMIN})
    @Operation(summary = "Block an end user: quota checks and reservations answer 403 end_user_blocked (a decision about the user, not a rate limit: no Retry-After)")
    public EndUserView block(@PathParam("orgId") String orgId, @PathParam("endUserId") String endUserId,
            @Valid Block request) {
        return service.setBlocked(orgId, endUserId, true, request == null ? null : request.reason());
    }

    @POST
    @Path("/end-users/{endUserId}/unblock")
    @RolesAllowed({Roles.PLATFORM_OPERATOR, Roles.OWNER, Roles.BILLING_ADMIN})
    @Operation(summary = "Unblock an end user")
    public EndUserView unblock(@PathParam("orgId") String orgId, @PathParam("endUserId") String endUserId) {
        return service.setBlocked(orgId, endUserId, false, null);
    }

    @PUT
    @Path("/end-users/{endUserId}/plan")
    @RolesAllowed({Roles.PLATFORM_OPERATOR, Roles.OWNER, Roles.BILLING_ADMIN})
    @Operation(summary = "Move an end user to another rate plan")
    public EndUserView changePlan(@PathParam("orgId") String orgId, @PathParam("endUserId") String endUserId,
            @NotNull @Valid ChangePlan request) {
        return service.changePlan(orgId, endUserId, request.planSlug());
    }
}
