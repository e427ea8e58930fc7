package io.accrue.console.endusers;

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

import com.fasterxml.jackson.databind.JsonNode;

import io.accrue.console.api.ApiResult;
import io.accrue.console.api.Service;
import io.accrue.console.api.ServiceApi;
import io.accrue.console.format.Formats;
import io.accrue.console.pages.Chrome;
import io.accrue.console.pages.Pages;
import io.accrue.console.session.Viewer;
import io.accrue.console.usage.UsageResource;
import io.quarkus.qute.Location;
import io.quarkus.qute.Template;
import io.quarkus.qute.TemplateInstance;

/**
 * End users of the customer's AI product (usage-service): search and filter, block and unblock, move to another rate
 * plan, and one user's usage this period. A refused change comes back as the service's problem on the same page.
 */
@Path("/end-users")
@Produces(MediaType.TEXT_HTML)
@RolesAllowed({Viewer.PLATFORM_OPERATOR, Viewer.OWNER, Viewer.BILLING_ADMIN})
public class EndUserResource {

    private final Pages pages;
    private final ServiceApi api;
    private final Template list;
    private final Template detail;
    private final java.time.Clock clock;

    public EndUserResource(Pages pages, ServiceApi api, @Location("end-users.html") Template list,
            @Location("end-user.html") Template detail, java.time.Clock clock) {
        this.clock = clock;
        this.pages = pages;
        this.api = api;
        this.list = list;
        this.detail = detail;
    }

    @GET
    public TemplateInstance list(@QueryParam("org") String org, @QueryParam("search") String search,
            @QueryParam("status") String status, @QueryParam("cursor") String cursor,
            @QueryParam("error") String error) {
        pages.requireManager();
        Chrome chrome = pages.chrome(org, "end-users", "End users");
        TemplateInstance page = list.data("chrome", chrome).data("search", search).data("status", status)
                .data("flash", error);
        if (chrome.org() == null) {
            return page.data("users", null).data("plans", null).data("nextLink", null);
        }
        Map<String, String> query = new HashMap<>();
        query.put("q", search);
        query.put("blocked", "blocked".equals(status) ? "true" : "active".equals(status) ? "false" : null);
        query.put("cursor", cursor);
        query.put("limit", "50");
        var users = api.getAsync(Service.USAGE, base(chrome) + "/end-users", query);
        var plans = api.getAsync(Service.USAGE, base(chrome) + "/rate-plans", Map.of());
        ApiResult u = users.join();
        String next = u.ok() && u.body().hasNonNull("nextCursor")
                ? chrome.link("/end-users?cursor=" + seg(u.body().get("nextCursor").asText())
                        + (search == null ? "" : "&search=" + seg(search))
                        + (status == null ? "" : "&status=" + seg(status)))
                : null;
        return page.data("users", u).data("plans", plans.join()).data("nextLink", next);
    }

    @GET
    @Path("{endUserId}")
    public TemplateInstance detail(@QueryParam("org") String org, @PathParam("endUserId") String endUserId,
            @QueryParam("error") String error) {
        pages.requireManager();
        Chrome chrome = pages.chrome(org, "end-users", "End user " + endUserId);
        TemplateInstance page = detail.data("chrome", chrome).data("endUserId", endUserId).data("flash", error);
        if (chrome.org() == null) {
            return page.data("user", null).data("plans", null).data("summary", null).data("row", null)
                    .data("period", null).data("daily", null).data("sessions", null).data("flags", null);
        }
        var user = api.getAsync(Service.USAGE, base(chrome) + "/end-users/" + seg(endUserId), Map.of());
        var plans = api.getAsync(Service.USAGE, base(chrome) + "/rate-plans", Map.of());
        ApiResult status = api.get(Service.SUBSCRIPTION, "/v1/accounts/" + seg(chrome.org()) + "/status");
        var period = UsageResource.period(status, Formats.zoneOf(chrome.zone()), clock.instant());
        // usage-service has no per-user endpoint: the period summary's per-end-user row is this user's usage
        ApiResult summary = api.get(Service.USAGE, base(chrome) + "/usage/summary",
                Map.of("environment", "live", "from", period.from().toString(), "to", period.to().toString()));
        // this end user's days, agent sessions and alert-only quota flags (usage-service analytics)
        Map<String, String> window = Map.of("environment", "live", "from", period.from().toString(), "to",
                period.to().toString(), "endUserId", endUserId);
        var daily = api.getAsync(Service.USAGE, base(chrome) + "/usage/daily", window);
        var sessions = api.getAsync(Service.USAGE, base(chrome) + "/usage/sessions", window);
        var flags = api.getAsync(Service.USAGE, base(chrome) + "/quota-flags",
                Map.of("endUserId", endUserId, "limit", "20"));
        JsonNode row = null;
        if (summary.ok()) {
            for (JsonNode r : summary.body().path("byEndUser")) {
                if (endUserId.equals(r.path("endUserId").asText())) {
                    row = r;
                }
            }
        }
        return page.data("user", user.join()).data("plans", plans.join()).data("summary", summary)
                .data("row", row).data("period", period).data("daily", daily.join()).data("sessions", sessions.join())
                .data("flags", flags.join());
    }

    @POST
    @Path("{endUserId}/block")
    public Response block(@QueryParam("org") String org, @PathParam("endUserId") String endUserId,
            @FormParam("reason") String reason, @FormParam("back") String back) {
        return change(org, endUserId, "/block", reason == null ? Map.of() : Map.of("reason", reason), back);
    }

    @POST
    @Path("{endUserId}/unblock")
    public Response unblock(@QueryParam("org") String org, @PathParam("endUserId") String endUserId,
            @FormParam("back") String back) {
        return change(org, endUserId, "/unblock", Map.of(), back);
    }

    @POST
    @Path("{endUserId}/plan")
    public Response changePlan(@QueryParam("org") String org, @PathParam("endUserId") String endUserId,
            @FormParam("planSlug") String planSlug, @FormParam("back") String back) {
        pages.requireManager();
        Chrome chrome = pages.chrome(org, "end-users", "End users");
        ApiResult result = api.put(Service.USAGE, base(chrome) + "/end-users/" + seg(endUserId) + "/plan",
                Map.of("planSlug", planSlug == null ? "" : planSlug));
        return back(chrome, endUserId, back, result);
    }

    private Response change(String org, String endUserId, String action, Object body, String back) {
        pages.requireManager();
        Chrome chrome = pages.chrome(org, "end-users", "End users");
        ApiResult result = api.post(Service.USAGE, base(chrome) + "/end-users/" + seg(endUserId) + action, body);
        return back(chrome, endUserId, back, result);
    }

    /** Post-redirect-get: back to the list or the user, with the service's problem when it refused. */
    private Response back(Chrome chrome, String endUserId, String back, ApiResult result) {
        return chrome.redirect("detail".equals(back) ? "/end-users/" + seg(endUserId) : "/end-users", result);
    }

    private static String base(Chrome chrome) {
        return "/v1/orgs/" + seg(chrome.requireOrg());
    }
}
