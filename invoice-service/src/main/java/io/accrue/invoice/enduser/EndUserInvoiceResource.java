package io.accrue.invoice.enduser;

import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.List;
import java.util.UUID;

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

import io.accrue.common.error.ApiException;
import io.accrue.common.security.Roles;
import io.accrue.invoice.document.LinesCsv;
import io.accrue.invoice.enduser.EndUserInvoiceService.EndUserInvoiceView;
import io.accrue.invoice.enduser.EndUserInvoiceService.Generate;
import io.accrue.invoice.enduser.EndUserInvoiceService.GenerateResult;

@Path("/v1/orgs/{orgId}/end-user-invoices")
@Tag(name = "End-user invoices")
public class EndUserInvoiceResource {

    private final EndUserInvoiceService service;

    EndUserInvoiceResource(EndUserInvoiceService service) {
        this.service = service;
    }

    @POST
    @Consumes(MediaType.APPLICATION_JSON)
    @Produces(MediaType.APPLICATION_JSON)
    @RolesAllowed({Roles.PLATFORM_OPERATOR, Roles.OWNER, Roles.BILLING_ADMIN})
    @Operation(summary = "Invoice every end user with revenue in the period (idempotent per end user and period);"
            + " with delivery stripe_connect each new invoice is then pushed to the connected account")
    public GenerateResult generate(@PathParam("orgId") String orgId, @NotNull @Valid Generate request) {
        return service.generate(orgId, request);
    }

    @GET
    @Produces(MediaType.APPLICATION_JSON)
    @RolesAllowed({Roles.PLATFORM_OPERATOR, Roles.OWNER, Roles.BILLING_ADMIN})
    @Operation(summary = "The end-user invoices of a period")
    public List<EndUserInvoiceView> list(@PathParam("orgId") String orgId, @QueryParam("periodStart") String start,
            @QueryParam("periodEnd") String end) {
        return service.list(orgId, instant("periodStart", start), instant("periodEnd", end));
    }

    @GET
    @Path("/export.csv")
    @Produces("text/csv")
    @RolesAllowed({Roles.PLATFORM_OPERATOR, Roles.OWNER, Roles.BILLING_ADMIN})
    @Operation(summary = "The end-user invoices of a period as CSV, to bill them elsewhere")
    public Response csv(@PathParam("orgId") String orgId, @QueryParam("periodStart") String start,
            @QueryParam("periodEnd") String end) {
        StringBuilder out = new StringBuilder(
                "end_user_id,period_start,period_end,currency,total_tokens,requests,amount,application_fee\r\n");
        for (EndUserInvoiceView v : service.list(orgId, instant("periodStart", start), instant("periodEnd", end))) {
            out.append(LinesCsv.field(v.endUserId())).append(',').append(v.periodStart()).append(',')
                    .append(v.periodEnd()).append(',').append(v.currency()).append(',').append(v.totalTokens())
                    .append(',').append(v.requests()).append(',').append(v.amount().toPlainString()).append(',')
                    .append(v.applicationFee().toPlainString()).append("\r\n");
        }
        return Response.ok(out.toString(), "text/csv; charset=UTF-8").build();
    }

    @GET
    @Path("/{id}")
    @Produces(MediaType.APPLICATION_JSON)
    @RolesAllowed({Roles.PLATFORM_OPERATOR, Roles.OWNER, Roles.BILLING_ADMIN})
    @Operation(summary = "One end-user invoice, with its delivery status and last delivery error")
    public EndUserInvoiceView get(@PathParam("orgId") String orgId, @PathParam("id") String id) {
        return service.get(orgId, uuid(orgId, id));
    }

    @POST
    @Path("/{id}/redeliver")
    @Produces(MediaType.APPLICATION_JSON)
    @RolesAllowed({Roles.PLATFORM_OPERATOR, Roles.OWNER, Roles.BILLING_ADMIN})
    @Operation(summary = "Deliver again an end-user invoice whose Stripe Connect delivery failed")
    public EndUserInvoiceView redeliver(@PathParam("orgId") String orgId, @PathParam("id") String id) {
        return service.redeliver(orgId, uuid(orgId, id));
    }

    private static UUID uuid(String orgId, String id) {
        try {
            return UUID.fromString(id);
        } catch (IllegalArgumentException e) {
            throw ApiException.notFound("end_user_invoice_not_found",
                    "No end-user invoice " + id + " in organisation " + orgId + ".");
        }
    }

    private static Instant instant(String name, String value) {
        try {
            return Instant.parse(value);
        } catch (DateTimeParseException | NullPointerException e) {
            throw ApiException.badRequest("invalid_value", name + " must be an ISO-8601 instant.");
        }
    }
}
