package io.accrue.usage.analytics;

import java.time.Instant;

import jakarta.annotation.security.RolesAllowed;
import jakarta.validation.constraints.Size;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.QueryParam;

import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

import io.accrue.common.paging.CursorPage;
import io.accrue.common.security.Roles;
import io.accrue.usage.analytics.AnalyticsViews.QuotaFlag;
import io.accrue.usage.analytics.AnalyticsViews.Sessions;
import io.accrue.usage.summary.SummaryResource;

/** Usage analytics an organisation asks for beside the summary: spend per agent session, alert-only quota flags. */
@Path("/v1/orgs/{orgId}")
@Tag(name = "Usage analytics")
public class AnalyticsResource {

    private final AnalyticsService service;

    AnalyticsResource(AnalyticsService service) {
        this.service = service;
    }

    @GET
    @Path("/usage/sessions")
    @RolesAllowed({Roles.PLATFORM_OPERATOR, Roles.OWNER, Roles.BILLING_ADMIN, Roles.MEMBER, Roles.BILLING_SERVICE})
    @Operation(summary = "Agent sessions of [from, to) by occurred_at with their spend (cost, revenue, priced tools), highest revenue first")
    public Sessions sessions(@PathParam("orgId") String orgId, @QueryParam("environment") String environment,
            @QueryParam("from") Instant from, @QueryParam("to") Instant to,
            @QueryParam("endUserId") @Size(max = 128) String endUserId, @QueryParam("limit") Integer limit) {
        return service.sessions(orgId, SummaryResource.env(environment), from, to, endUserId, limit);
    }

    @GET
    @Path("/quota-flags")
    @RolesAllowed({Roles.PLATFORM_OPERATOR, Roles.OWNER, Roles.BILLING_ADMIN, Roles.MEMBER, Roles.BILLING_SERVICE})
    @Operation(summary = "Quota checks an alert-only plan let through over a limit, newest first (default: the last 31 days)")
    public CursorPage<QuotaFlag> flags(@PathParam("orgId") String orgId, @QueryParam("environment") String environment,
            @QueryParam("from") Instant from, @QueryParam("to") Instant to,
            @QueryParam("endUserId") @Size(max = 128) String endUserId, @QueryParam("cursor") String cursor,
            @QueryParam("limit") Integer limit) {
        return service.flags(orgId, environment == null ? null : SummaryResource.env(environment), from, to, endUserId,
                cursor, limit);
    }
}
