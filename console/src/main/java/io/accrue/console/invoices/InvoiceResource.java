package io.accrue.console.invoices;

import static io.accrue.console.api.ServiceApi.seg;

import java.util.HashMap;
import java.util.Map;

import jakarta.annotation.security.RolesAllowed;
import jakarta.ws.rs.FormParam;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

import io.accrue.console.api.ApiResult;
import io.accrue.console.api.Download;
import io.accrue.console.api.Service;
import io.accrue.console.api.ServiceApi;
import io.accrue.console.pages.Chrome;
import io.accrue.console.pages.Pages;
import io.accrue.console.session.Viewer;
import io.quarkus.qute.Location;
import io.quarkus.qute.Template;
import io.quarkus.qute.TemplateInstance;

/** Invoices: a cursor-paginated list, the detail with its lines, the PDF, and the full billing export. */
@Path("/invoices")
@Produces(MediaType.TEXT_HTML)
public class InvoiceResource {

    static final int PAGE_SIZE = 20;
    static final java.util.List<String> STATUSES = java.util.List.of("draft", "open", "paid", "void", "uncollectible");

    private final Pages pages;
    private final ServiceApi api;
    private final Template list;
    private final Template detail;
    private final Template error;

    public InvoiceResource(Pages pages, ServiceApi api, @Location("invoices.html") Template list,
            @Location("invoice.html") Template detail, @Location("error.html") Template error) {
        this.pages = pages;
        this.api = api;
        this.list = list;
        this.detail = detail;
        this.error = error;
    }

    @GET
    @RolesAllowed({Viewer.PLATFORM_OPERATOR, Viewer.OWNER, Viewer.BILLING_ADMIN, Viewer.MEMBER})
    public TemplateInstance list(@QueryParam("org") String org, @QueryParam("status") String status,
            @QueryParam("cursor") String cursor) {
        Chrome chrome = pages.chrome(org, "invoices", "Invoices");
        TemplateInstance page = list.data("chrome", chrome).data("status", status).data("cursor", cursor)
                .data("statuses", STATUSES).data("firstLink", chrome.link(withStatus("/invoices", status, '?')));
        if (chrome.org() == null) {
            return page.data("invoices", null).data("nextLink", null);
        }
        Map<String, String> query = new HashMap<>();
        query.put("status", status);
        query.put("cursor", cursor);
        query.put("limit", String.valueOf(PAGE_SIZE));
        ApiResult invoices = api.get(Service.INVOICE, "/v1/orgs/" + seg(chrome.org()) + "/invoices", query);
        String next = invoices.ok() && invoices.body().hasNonNull("nextCursor")
                ? chrome.link(withStatus("/invoices?cursor=" + java.net.URLEncoder.encode(
                        invoices.body().get("nextCursor").asText(), java.nio.charset.StandardCharsets.UTF_8), status,
                        '&'))
                : null;
        return page.data("invoices", invoices).data("nextLink", next);
    }

    private static String withStatus(String path, String status, char joiner) {
        return status == null || status.isBlank() ? path : path + joiner + "status=" + seg(status);
    }

    @GET
    @Path("{invoiceId}")
    @RolesAllowed({Viewer.PLATFORM_OPERATOR, Viewer.OWNER, Viewer.BILLING_ADMIN, Viewer.MEMBER})
    public TemplateInstance detail(@QueryParam("org") String org, @PathParam("invoiceId") String invoiceId,
            @QueryParam("error") String error) {
        Chrome chrome = pages.chrome(org, "invoices", "Invoice");
        ApiResult invoice = chrome.org() == null
                ? null
                : api.get(Service.INVOICE, "/v1/orgs/" + seg(chrome.org()) + "/invoices/" + seg(invoiceId));
        // where the push to Stripe stands, for those who may resend it (invoice-service answers 403 to members)
        ApiResult push = invoice != null && invoice.ok() && chrome.manager()
                ? api.get(Service.INVOICE, "/v1/orgs/" + seg(chrome.org()) + "/invoices/" + seg(invoiceId)
                        + "/stripe-push")
                : null;
        boolean pushShown = push != null && push.ok() && !"not_on_stripe".equals(push.body().path("state").asText());
        return detail.data("chrome", chrome).data("invoice", invoice).data("flash", error)
                .data("pushShown", pushShown).data("push", pushShown ? push.body() : null);
    }

    /**
     * Resend to Stripe: hands the invoice's push back to invoice-service's outbox, which resumes from the Stripe ids
     * it stored (Stripe never gets the invoice twice; an invoice Stripe already has is left alone).
     */
    @POST
    @Path("{invoiceId}/stripe-push")
    @RolesAllowed({Viewer.PLATFORM_OPERATOR, Viewer.OWNER, Viewer.BILLING_ADMIN})
    public Response resendToStripe(@QueryParam("org") String org, @PathParam("invoiceId") String invoiceId) {
        Chrome chrome = pages.chrome(org, "invoices", "Invoice");
        return chrome.redirect("/invoices/" + seg(invoiceId), api.post(Service.INVOICE,
                "/v1/orgs/" + seg(chrome.requireOrg()) + "/invoices/" + seg(invoiceId) + "/stripe-push", Map.of()));
    }

    /** The invoice PDF, rendered by invoice-service and passed through unchanged. */
    /**
     * A credit note for the whole invoice (the invoice itself never changes): platform operators only, as in
     * invoice-service. The page goes to the new credit note.
     */
    @POST
    @Path("{invoiceId}/credit-note")
    @RolesAllowed(Viewer.PLATFORM_OPERATOR)
    public Response creditNote(@QueryParam("org") String org, @PathParam("invoiceId") String invoiceId,
            @FormParam("reason") String reason) {
        Chrome chrome = pages.chrome(org, "invoices", "Invoice");
        String base = "/v1/orgs/" + seg(chrome.requireOrg()) + "/invoices/" + seg(invoiceId);
        ApiResult invoice = api.get(Service.INVOICE, base);
        if (!invoice.ok()) {
            return chrome.redirect("/invoices/" + seg(invoiceId), invoice);
        }
        java.util.List<java.util.Map<String, Object>> lines = new java.util.ArrayList<>();
        // every charged line; credits already on the invoice (prepaid credits, negative) are not credited again
        invoice.body().path("lines").forEach(l -> {
            java.math.BigDecimal amount = io.accrue.console.format.Formats.decimal(l.path("amount").asText(null));
            if (amount != null && amount.signum() > 0) {
                lines.add(java.util.Map.of("position", l.path("position").asInt()));
            }
        });
        ApiResult note = api.post(Service.INVOICE, base + "/credit-notes",
                java.util.Map.of("reason", reason == null ? "" : reason.strip(), "lines", lines));
        return note.ok() && note.body().hasNonNull("id")
                ? chrome.redirect("/invoices/" + seg(note.body().get("id").asText()), note)
                : chrome.redirect("/invoices/" + seg(invoiceId), note);
    }

    /** Paid, void or uncollectible, for an invoice not collected through Stripe: platform operators only. */
    @POST
    @Path("{invoiceId}/status")
    @RolesAllowed(Viewer.PLATFORM_OPERATOR)
    public Response status(@QueryParam("org") String org, @PathParam("invoiceId") String invoiceId,
            @FormParam("status") String status) {
        Chrome chrome = pages.chrome(org, "invoices", "Invoice");
        return chrome.redirect("/invoices/" + seg(invoiceId), api.post(Service.INVOICE,
                "/v1/orgs/" + seg(chrome.requireOrg()) + "/invoices/" + seg(invoiceId) + "/status",
                java.util.Map.of("status", status == null ? "" : status)));
    }

    @GET
    @Path("{invoiceId}/pdf")
    @Produces({"application/pdf", MediaType.TEXT_HTML})
    @RolesAllowed({Viewer.PLATFORM_OPERATOR, Viewer.OWNER, Viewer.BILLING_ADMIN, Viewer.MEMBER})
    public Response pdf(@QueryParam("org") String org, @PathParam("invoiceId") String invoiceId) {
        Chrome chrome = pages.chrome(org, "invoices", "Invoice PDF");
        return file(chrome, api.download(Service.INVOICE,
                "/v1/orgs/" + seg(chrome.requireOrg()) + "/invoices/" + seg(invoiceId) + "/pdf", Map.of(),
                "application/pdf"), "invoice-" + invoiceId + ".pdf");
    }

    /** The invoice's lines as CSV (for spreadsheets), rendered by invoice-service. */
    @GET
    @Path("{invoiceId}/lines.csv")
    @Produces({"text/csv", MediaType.TEXT_HTML})
    @RolesAllowed({Viewer.PLATFORM_OPERATOR, Viewer.OWNER, Viewer.BILLING_ADMIN, Viewer.MEMBER})
    public Response csv(@QueryParam("org") String org, @PathParam("invoiceId") String invoiceId) {
        Chrome chrome = pages.chrome(org, "invoices", "Invoice lines");
        return file(chrome, api.download(Service.INVOICE,
                "/v1/orgs/" + seg(chrome.requireOrg()) + "/invoices/" + seg(invoiceId) + "/lines.csv", Map.of(),
                "text/csv"), "invoice-" + invoiceId + "-lines.csv");
    }

    /** The full billing export (JSON) of the organisation, for finance tools. */
    @GET
    @Path("export")
    @Produces({MediaType.APPLICATION_JSON, MediaType.TEXT_HTML})
    @RolesAllowed({Viewer.PLATFORM_OPERATOR, Viewer.OWNER, Viewer.BILLING_ADMIN})
    public Response export(@QueryParam("org") String org) {
        Chrome chrome = pages.chrome(org, "invoices", "Billing export");
        return file(chrome, api.download(Service.INVOICE, "/v1/orgs/" + seg(chrome.requireOrg()) + "/billing-export",
                Map.of(), MediaType.APPLICATION_JSON), "billing-export-" + chrome.org() + ".json");
    }

    private Response file(Chrome chrome, Download download, String fallbackName) {
        if (!download.ok()) {
            return Response.status(download.problem().status()).type(MediaType.TEXT_HTML_TYPE)
                    .entity(error.data("chrome", chrome).data("problem", download.problem()).render()).build();
        }
        String name = download.fileName() == null ? fallbackName : download.fileName();
        return Response.ok(download.bytes()).type(download.contentType())
                .header("Content-Disposition", "attachment; filename=\"" + name.replace("\"", "") + "\"").build();
    }
}
