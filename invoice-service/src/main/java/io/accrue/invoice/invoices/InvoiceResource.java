package io.accrue.invoice.invoices;

import java.net.URI;

import jakarta.annotation.security.RolesAllowed;
import jakarta.validation.Valid;
import jakarta.validation.constraints.NotNull;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

import io.accrue.common.paging.CursorPage;
import io.accrue.common.security.Roles;
import io.accrue.invoice.document.InvoiceDocuments;
import io.accrue.invoice.document.LinesCsv;
import io.accrue.invoice.invoices.InvoiceViews.InvoiceDetail;
import io.accrue.invoice.invoices.InvoiceViews.InvoiceSummary;
import io.accrue.invoice.stripe.StripePushService;
import io.accrue.invoice.stripe.StripePushService.StripePushView;

/** Invoices of one organisation; the organisation filter checks {orgId} against the token. */
@Path("/v1/orgs/{orgId}/invoices")
@Tag(name = "Invoices")
public class InvoiceResource {

    private final InvoiceQueryService queries;
    private final InvoiceCommands commands;
    private final InvoiceDocuments documents;
    private final StripePushService stripePush;

    InvoiceResource(InvoiceQueryService queries, InvoiceCommands commands, InvoiceDocuments documents,
            StripePushService stripePush) {
        this.stripePush = stripePush;
        this.documents = documents;
        this.queries = queries;
        this.commands = commands;
    }

    @GET
    @Produces(MediaType.APPLICATION_JSON)
    @RolesAllowed({Roles.PLATFORM_OPERATOR, Roles.OWNER, Roles.BILLING_ADMIN, Roles.MEMBER, Roles.BILLING_SERVICE})
    @Operation(summary = "List invoices, newest period first (cursor-paginated; filters: status, period)")
    public CursorPage<InvoiceSummary> list(@PathParam("orgId") String orgId, @QueryParam("status") String status,
            @QueryParam("periodFrom") String periodFrom, @QueryParam("periodTo") String periodTo,
            @QueryParam("cursor") String cursor, @QueryParam("limit") Integer limit) {
        return queries.list(orgId, status, periodFrom, periodTo, cursor, limit);
    }

    @GET
    @Path("/{invoiceId}")
    @Produces(MediaType.APPLICATION_JSON)
    @RolesAllowed({Roles.PLATFORM_OPERATOR, Roles.OWNER, Roles.BILLING_ADMIN, Roles.MEMBER, Roles.BILLING_SERVICE})
    @Operation(summary = "An invoice with its lines")
    public InvoiceDetail get(@PathParam("orgId") String orgId, @PathParam("invoiceId") String invoiceId) {
        return queries.get(orgId, invoiceId);
    }

    @GET
    @Path("/{invoiceId}/pdf")
    @Produces("application/pdf")
    @RolesAllowed({Roles.PLATFORM_OPERATOR, Roles.OWNER, Roles.BILLING_ADMIN, Roles.MEMBER, Roles.BILLING_SERVICE})
    @Operation(summary = "The invoice as a PDF")
    public Response pdf(@PathParam("orgId") String orgId, @PathParam("invoiceId") String invoiceId) {
        InvoiceDetail invoice = queries.get(orgId, invoiceId);
        return attachment(documents.pdf(invoice), "application/pdf", fileName(invoice) + ".pdf");
    }

    @GET
    @Path("/{invoiceId}/lines.csv")
    @Produces("text/csv")
    @RolesAllowed({Roles.PLATFORM_OPERATOR, Roles.OWNER, Roles.BILLING_ADMIN, Roles.MEMBER, Roles.BILLING_SERVICE})
    @Operation(summary = "The invoice's lines as CSV")
    public Response csv(@PathParam("orgId") String orgId, @PathParam("invoiceId") String invoiceId) {
        InvoiceDetail invoice = queries.get(orgId, invoiceId);
        return attachment(LinesCsv.render(invoice), "text/csv; charset=UTF-8", fileName(invoice) + "-lines.csv");
    }

    /** A download: the browser saves it under {@code fileName} instead of showing it. */
    private static Response attachment(Object body, String type, String fileName) {
        return Response.ok(body, type).header("Content-Disposition", "attachment; filename=\"" + fileName + "\"")
                .build();
    }

    private static String fileName(InvoiceDetail invoice) {
        return invoice.number() != null ? invoice.number() : "draft-" + invoice.id();
    }

    @POST
    @Path("/{invoiceId}/status")
    @Consumes(MediaType.APPLICATION_JSON)
    @RolesAllowed({Roles.PLATFORM_OPERATOR, Roles.BILLING_SERVICE})
    @Operation(summary = "Move an invoice not collected through Stripe to paid, void or uncollectible")
    public InvoiceDetail changeStatus(@PathParam("orgId") String orgId, @PathParam("invoiceId") String invoiceId,
            @NotNull @Valid InvoiceCommands.StatusChange change) {
        return commands.changeStatus(orgId, invoiceId, change);
    }

    @POST
    @Path("/{invoiceId}/credit-notes")
    @Consumes(MediaType.APPLICATION_JSON)
    @RolesAllowed({Roles.PLATFORM_OPERATOR, Roles.BILLING_SERVICE})
    @Operation(summary = "Correct a finalised invoice with a credit note (the invoice itself never changes)")
    public Response creditNote(@PathParam("orgId") String orgId, @PathParam("invoiceId") String invoiceId,
            @NotNull @Valid InvoiceCommands.CreditNoteRequest request) {
        InvoiceDetail note = commands.creditNote(orgId, invoiceId, request);
        return Response.created(URI.create("/v1/orgs/" + orgId + "/invoices/" + note.id())).entity(note).build();
    }

    @GET
    @Path("/{invoiceId}/stripe-push")
    @Produces(MediaType.APPLICATION_JSON)
    @RolesAllowed({Roles.PLATFORM_OPERATOR, Roles.OWNER, Roles.BILLING_ADMIN, Roles.BILLING_SERVICE})
    @Operation(summary = "Where the invoice's push to Stripe stands: pending, failed (with the last error), delivered")
    public StripePushView stripePush(@PathParam("orgId") String orgId, @PathParam("invoiceId") String invoiceId) {
        return stripePush.status(orgId, invoiceId);
    }

    @POST
    @Path("/{invoiceId}/stripe-push")
    @Produces(MediaType.APPLICATION_JSON)
    @RolesAllowed({Roles.PLATFORM_OPERATOR, Roles.OWNER, Roles.BILLING_ADMIN})
    @Operation(summary = "Push the invoice to Stripe again now (202); an invoice Stripe already has answers 200 and "
            + "nothing is sent")
    public Response resendToStripe(@PathParam("orgId") String orgId, @PathParam("invoiceId") String invoiceId) {
        StripePushService.Resend resend = stripePush.resend(orgId, invoiceId);
        return Response.status(resend.queued() ? Response.Status.ACCEPTED : Response.Status.OK)
                .entity(resend.push()).build();
    }
}
