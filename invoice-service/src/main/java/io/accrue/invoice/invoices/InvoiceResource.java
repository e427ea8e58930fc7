package io.accrue.invoice.invoices;

import jakarta.annotation.security.RolesAllowed;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;

import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

import io.accrue.common.paging.CursorPage;
import io.accrue.common.security.Roles;
import io.accrue.invoice.invoices.InvoiceViews.InvoiceDetail;
import io.accrue.invoice.invoices.InvoiceViews.InvoiceSummary;

/** Invoices of one organisation; the organisation filter checks {orgId} against the token. */
@Path("/v1/orgs/{orgId}/invoices")
@Tag(name = "Invoices")
@Produces(MediaType.APPLICATION_JSON)
public class InvoiceResource {

    private final InvoiceQueryService queries;

    InvoiceResource(InvoiceQueryService queries) {
        this.queries = queries;
    }

    @GET
    @RolesAllowed({Roles.PLATFORM_OPERATOR, Roles.OWNER, Roles.BILLING_ADMIN, Roles.MEMBER, Roles.BILLING_SERVICE})
    @Operation(summary = "List invoices, newest period first (cursor-paginated; filters: status, period)")
    public CursorPage<InvoiceSummary> list(@PathParam("orgId") String orgId, @QueryParam("status") String status,
            @QueryParam("periodFrom") String periodFrom, @QueryParam("periodTo") String periodTo,
            @QueryParam("cursor") String cursor, @QueryParam("limit") Integer limit) {
        return queries.list(orgId, status, periodFrom, periodTo, cursor, limit);
    }

    @GET
    @Path("/{invoiceId}")
    @RolesAllowed({Roles.PLATFORM_OPERATOR, Roles.OWNER, Roles.BILLING_ADMIN, Roles.MEMBER, Roles.BILLING_SERVICE})
    @Operation(summary = "An invoice with its lines")
    public InvoiceDetail get(@PathParam("orgId") String orgId, @PathParam("invoiceId") String invoiceId) {
        return queries.get(orgId, invoiceId);
    }
}
