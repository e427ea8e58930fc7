package io.accrue.console.overview;

import static io.accrue.console.api.ServiceApi.seg;

import java.util.HashMap;
import java.util.Map;

import jakarta.annotation.security.RolesAllowed;
import jakarta.ws.rs.FormParam;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

import io.accrue.console.api.ApiResult;
import io.accrue.console.api.Service;
import io.accrue.console.api.ServiceApi;
import io.accrue.console.pages.Chrome;
import io.accrue.console.pages.Pages;
import io.accrue.console.session.Viewer;
import io.quarkus.qute.Location;
import io.quarkus.qute.Template;
import io.quarkus.qute.TemplateInstance;

/**
 * The subscription's own moves, for owners, billing admins and operators: a plan change shown first as
 * subscription-service's preview (when it takes effect, what is charged now, whether the spend gate lets it
 * through) and made only on confirmation; cancel (now or at the period end) and reactivate.
 */
@Path("/subscription")
@Produces(MediaType.TEXT_HTML)
@RolesAllowed({Viewer.PLATFORM_OPERATOR, Viewer.OWNER, Viewer.BILLING_ADMIN})
public class SubscriptionPages {

    private final Pages pages;
    private final ServiceApi api;
    private final Template preview;

    public SubscriptionPages(Pages pages, ServiceApi api, @Location("plan-change.html") Template preview) {
        this.pages = pages;
        this.api = api;
        this.preview = preview;
    }

    @GET
    @Path("plan-change")
    public TemplateInstance preview(@QueryParam("org") String org, @QueryParam("planSlug") String planSlug,
            @QueryParam("timing") String timing) {
        Chrome chrome = pages.chrome(org, "overview", "Change plan");
        Map<String, String> query = new HashMap<>();
        query.put("planSlug", planSlug == null ? "" : planSlug);
        if (timing != null && !timing.isBlank()) {
            query.put("timing", timing);
        }
        ApiResult result = chrome.org() == null
                ? null
                : api.get(Service.SUBSCRIPTION, base(chrome) + "/plan-change/preview", query);
        return preview.data("chrome", chrome).data("preview", result).data("planSlug", planSlug)
                .data("timing", timing);
    }

    @POST
    @Path("plan-change")
    public Response change(@QueryParam("org") String org, @FormParam("planSlug") String planSlug,
            @FormParam("timing") String timing) {
        Chrome chrome = pages.chrome(org, "overview", "Billing");
        Map<String, Object> body = new HashMap<>();
        body.put("planSlug", planSlug == null ? "" : planSlug);
        if (timing != null && !timing.isBlank()) {
            body.put("timing", timing);
        }
        return chrome.redirect("/", api.post(Service.SUBSCRIPTION, base(chrome) + "/plan-change", body));
    }

    @POST
    @Path("cancel")
    public Response cancel(@QueryParam("org") String org, @FormParam("timing") String timing,
            @FormParam("reason") String reason) {
        Chrome chrome = pages.chrome(org, "overview", "Billing");
        Map<String, Object> body = new HashMap<>();
        body.put("timing", timing == null || timing.isBlank() ? "period_end" : timing);
        if (reason != null && !reason.isBlank()) {
            body.put("reason", reason.strip());
        }
        return chrome.redirect("/", api.post(Service.SUBSCRIPTION, base(chrome) + "/cancel", body));
    }

    @POST
    @Path("reactivate")
    public Response reactivate(@QueryParam("org") String org) {
        Chrome chrome = pages.chrome(org, "overview", "Billing");
        return chrome.redirect("/", api.post(Service.SUBSCRIPTION, base(chrome) + "/reactivate", Map.of()));
    }

    private static String base(Chrome chrome) {
        return "/v1/accounts/" + seg(chrome.org()) + "/subscription";
    }
}
