package io.accrue.usage.entitlements;

import jakarta.annotation.security.RolesAllowed;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.Size;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.QueryParam;

import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

import io.accrue.common.security.Caller;
import io.accrue.common.security.Roles;
import io.accrue.usage.summary.SummaryResource;

/**
 * What the organisation's plan entitles it to (docs/entitlements.md): a platform's backend or gateway asks per
 * request ("may this organisation use SSO?", "how many agent sessions are left this period?"). The environment is the
 * credential's for a usage reporter (API key or gateway token), else the {@code environment} parameter (live).
 */
@Path("/v1/orgs/{orgId}/entitlements")
@Tag(name = "Entitlements")
public class EntitlementResource {

    private final EntitlementService service;
    private final Caller caller;

    EntitlementResource(EntitlementService service, Caller caller) {
        this.service = service;
        this.caller = caller;
    }

    @GET
    @RolesAllowed({Roles.PLATFORM_OPERATOR, Roles.OWNER, Roles.BILLING_ADMIN, Roles.MEMBER, Roles.BILLING_SERVICE,
            Roles.USAGE_REPORTER})
    @Operation(summary = "Every entitlement of the organisation's current plan: features, metered limits with this period's usage, config values")
    public EntitlementView.Bulk all(@PathParam("orgId") String orgId, @QueryParam("environment") String environment) {
        return service.all(orgId, env(environment));
    }

    @GET
    @Path("/{name}")
    @RolesAllowed({Roles.PLATFORM_OPERATOR, Roles.OWNER, Roles.BILLING_ADMIN, Roles.MEMBER, Roles.BILLING_SERVICE,
            Roles.USAGE_REPORTER})
    @Operation(summary = "One entitlement: entitled or not (a name the plan lacks is a feature not entitled), with limit and usage or value")
    public EntitlementView one(@PathParam("orgId") String orgId,
            @PathParam("name") @Size(max = 64) @Pattern(regexp = "[a-z0-9][a-z0-9_.-]*") String name,
            @QueryParam("environment") String environment) {
        return service.one(orgId, env(environment), name);
    }

    private String env(String environment) {
        if (environment == null && caller.hasRole(Roles.USAGE_REPORTER) && caller.environment().isPresent()) {
            return caller.environment().get().wireName();
        }
        return SummaryResource.env(environment);
    }
}
