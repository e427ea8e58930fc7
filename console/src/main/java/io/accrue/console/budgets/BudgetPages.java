package io.accrue.console.budgets;

import static io.accrue.console.api.ServiceApi.seg;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

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
import io.accrue.console.api.Service;
import io.accrue.console.api.ServiceApi;
import io.accrue.console.pages.Chrome;
import io.accrue.console.pages.Pages;
import io.accrue.console.session.Viewer;
import io.quarkus.qute.Location;
import io.quarkus.qute.Template;
import io.quarkus.qute.TemplateInstance;

/**
 * Budgets and their alerts (usage-service), each with its billing event's id and publication state. Members read;
 * owners, billing admins and operators change. Alerts reach the organisation's webhook endpoints as
 * {@code usage.threshold_reached} billing events of subscription-service, which manages endpoints and deliveries.
 */
@Path("/budgets")
@Produces(MediaType.TEXT_HTML)
public class BudgetPages {

    private final Pages pages;
    private final ServiceApi api;
    private final Template budgets;

    public BudgetPages(Pages pages, ServiceApi api, @Location("budgets.html") Template budgets) {
        this.pages = pages;
        this.api = api;
        this.budgets = budgets;
    }

    @GET
    @RolesAllowed({Viewer.PLATFORM_OPERATOR, Viewer.OWNER, Viewer.BILLING_ADMIN, Viewer.MEMBER})
    public TemplateInstance show(@QueryParam("org") String org, @QueryParam("error") String error) {
        return page(org, error);
    }

    private TemplateInstance page(String org, String error) {
        Chrome chrome = pages.chrome(org, "budgets", "Budgets and alerts");
        TemplateInstance page = budgets.data("chrome", chrome).data("flash", error);
        if (chrome.org() == null) {
            return page.data("budgets", null).data("alerts", null);
        }
        CompletableFuture<ApiResult> list = api.getAsync(Service.USAGE, base(chrome) + "/budgets", Map.of());
        CompletableFuture<ApiResult> alerts = api.getAsync(Service.USAGE, base(chrome) + "/budget-alerts",
                Map.of("limit", "20"));
        return page.data("budgets", list.join()).data("alerts", alerts.join());
    }

    @POST
    @RolesAllowed({Viewer.PLATFORM_OPERATOR, Viewer.OWNER, Viewer.BILLING_ADMIN})
    public Response save(@QueryParam("org") String org, @FormParam("slug") String slug,
            @FormParam("name") String name, @FormParam("environment") String environment,
            @FormParam("metric") String metric, @FormParam("amount") String amount,
            @FormParam("tokenLimit") String tokenLimit, @FormParam("thresholds") String thresholds) {
        Chrome chrome = pages.chrome(org, "budgets", "Budgets and alerts");
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("name", name == null ? "" : name.strip());
        body.put("environment", environment == null || environment.isBlank() ? "live" : environment);
        body.put("metric", metric == null ? "" : metric);
        if ("tokens".equals(metric)) {
            body.put("tokenLimit", blank(tokenLimit) ? null : tokenLimit.strip());
        } else {
            body.put("amount", blank(amount) ? null : amount.strip());
            body.put("currency", chrome.currency()); // a money budget is in the account's currency
        }
        if (!blank(thresholds)) {
            List<String> values = new ArrayList<>();
            for (String t : thresholds.split("[,\\s]+")) {
                if (!t.isBlank()) {
                    values.add(t.strip());
                }
            }
            body.put("thresholds", values);
        }
        String key = blank(slug) ? "" : slug.strip();
        return chrome.redirect("/budgets", api.put(Service.USAGE, base(chrome) + "/budgets/" + seg(key), body));
    }

    @POST
    @Path("{slug}/delete")
    @RolesAllowed({Viewer.PLATFORM_OPERATOR, Viewer.OWNER, Viewer.BILLING_ADMIN})
    public Response delete(@QueryParam("org") String org, @PathParam("slug") String slug) {
        Chrome chrome = pages.chrome(org, "budgets", "Budgets and alerts");
        return chrome.redirect("/budgets", api.delete(Service.USAGE, base(chrome) + "/budgets/" + seg(slug)));
    }

    private static boolean blank(String s) {
        return s == null || s.isBlank();
    }

    private static String base(Chrome chrome) {
        return "/v1/orgs/" + seg(chrome.org());
    }
}
