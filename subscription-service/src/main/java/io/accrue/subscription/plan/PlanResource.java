package io.accrue.subscription.plan;

import java.net.URI;
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
import jakarta.ws.rs.core.Response;

import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

import io.accrue.common.security.Caller;
import io.accrue.common.security.Roles;
import io.accrue.subscription.plan.PlanRequests.Archive;
import io.accrue.subscription.plan.PlanRequests.PlanDraft;
import io.accrue.subscription.plan.PlanRequests.PlanVersionView;

@Path("/v1/plans")
@Tag(name = "Plan catalog")
public class PlanResource {

    private final PlanService service;
    private final Caller caller;

    PlanResource(PlanService service, Caller caller) {
        this.service = service;
        this.caller = caller;
    }

    @GET
    @RolesAllowed({Roles.PLATFORM_OPERATOR, Roles.OWNER, Roles.BILLING_ADMIN, Roles.MEMBER, Roles.BILLING_SERVICE})
    @Operation(summary = "The newest version of every plan")
    public List<PlanVersionView> catalog() {
        return service.catalog();
    }

    @POST
    @RolesAllowed(Roles.PLATFORM_OPERATOR)
    @Operation(summary = "Create a plan (version 1)")
    public Response create(@NotNull @Valid PlanDraft draft) {
        PlanVersionView v = service.create(draft, caller.subject());
        return Response.created(URI.create("/v1/plans/" + v.slug() + "/versions/1")).entity(v).build();
    }

    @PUT
    @Path("/{slug}")
    @RolesAllowed(Roles.PLATFORM_OPERATOR)
    @Operation(summary = "Change a plan: appends its next version; subscribers stay on theirs")
    public PlanVersionView change(@PathParam("slug") String slug, @NotNull @Valid PlanDraft draft) {
        return service.newVersion(slug, draft, caller.subject());
    }

    @PUT
    @Path("/{slug}/archived")
    @RolesAllowed(Roles.PLATFORM_OPERATOR)
    @Operation(summary = "Archive or restore a plan (archived plans take no new subscribers)")
    public PlanVersionView archive(@PathParam("slug") String slug, @NotNull @Valid Archive body) {
        return service.archive(slug, body.archived());
    }

    @GET
    @Path("/{slug}/versions/{version}")
    @RolesAllowed({Roles.PLATFORM_OPERATOR, Roles.OWNER, Roles.BILLING_ADMIN, Roles.MEMBER, Roles.BILLING_SERVICE})
    @Operation(summary = "One plan version (the shape of docs/internal-apis.md)")
    public PlanVersionView version(@PathParam("slug") String slug, @PathParam("version") int version,
            @QueryParam("currency") String currency) {
        return service.version(slug, version, currency);
    }
}
