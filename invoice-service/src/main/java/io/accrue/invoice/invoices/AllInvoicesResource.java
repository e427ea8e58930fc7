package io.accrue.invoice.invoices;

import jakarta.annotation.security.RolesAllowed;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;

import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

import io.accrue.common.paging.CursorPage;
import io.accrue.common.security.Roles;
import io.accrue.invoice.invoices.InvoiceViews.InvoiceSummary;

/** Invoices across organisations, for the operator and the suite (filter by organisation optional). */
@Path("/v1/invoices")
@Tag(name = "Invoices")
public class AllInvoicesResource {

    private final InvoiceQueryService queries;

    AllInvoicesResource(InvoiceQueryService queries) {
        this.queries = queries;
    }

    @GET
    @Produces(MediaType.APPLICATION_JSON)
    @RolesAllowed({Roles.PLATFORM_OPERATOR, Roles.BILLING_SERVICE})
    @Operation(summary = "List invoices of every organisation, newest period first (filters: orgId, status, period)")
    public CursorPage<InvoiceSummary> list(@QueryParam("orgId") String orgId, @QueryParam("status") String status,
            @QueryParam("periodFrom") String periodFrom, @QueryParam("periodTo") String periodTo,
            @QueryParam("cursor") String cursor, @QueryParam("limit") Integer limit) {
        return queries.list(orgId, status, periodFrom, periodTo, cursor, limit);
    }
}
