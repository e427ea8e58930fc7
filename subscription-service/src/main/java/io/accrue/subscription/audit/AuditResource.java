package io.accrue.subscription.audit;

import jakarta.annotation.security.RolesAllowed;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.QueryParam;

import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

import io.accrue.common.paging.CursorPage;
import io.accrue.common.security.Roles;

@Path("/v1/accounts/{orgId}/audit")
@Tag(name = "Audit trail")
public class AuditResource {

    private final AuditTrail audit;

    AuditResource(AuditTrail audit) {
        this.audit = audit;
    }

    @GET
    @RolesAllowed({Roles.OWNER, Roles.BILLING_ADMIN, Roles.PLATFORM_OPERATOR, Roles.BILLING_SERVICE})
    @Operation(summary = "Billing operations of the organisation, oldest first (who, what, when, before/after)")
    public CursorPage<AuditTrail.EntryView> list(@PathParam("orgId") String orgId, @QueryParam("cursor") String cursor,
            @QueryParam("limit") Integer limit) {
        return audit.page(orgId, cursor, limit);
    }
}
