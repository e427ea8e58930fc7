package io.accrue.console.rateplans;

import static io.accrue.console.api.ServiceApi.seg;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import jakarta.annotation.security.RolesAllowed;
import jakarta.ws.rs.BeanParam;
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
import com.fasterxml.jackson.databind.ObjectMapper;

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
 * Rate plans (usage-service, {@code PUT /v1/orgs/{orgId}/rate-plans/{slug}} creates or replaces): pricing (markup or
 * target margin), limits, and how limits are enforced.
 */
@Path("/rate-plans")
@Produces(MediaType.TEXT_HTML)
@RolesAllowed({Viewer.PLATFORM_OPERATOR, Viewer.OWNER, Viewer.BILLING_ADMIN})
public class RatePlanResource {

    /** Fields the form edits (every field of a rate plan); anything else a plan carries is carried over unchanged. */
    static final List<String> EDITED = List.of("name", "pricing", "markupPercent", "targetMarginPercent",
            "feePerRequest", "dailyTokenLimit", "monthlyTokenLimit", "dailyRequestLimit", "burstPerMinute",
            "monthlyCostCap", "allowedModels", "enforcement");
    /** What a plan view carries that the request does not accept. */
    static final List<String> READ_ONLY = List.of("id", "createdAt");

    private final Pages pages;
    private final ServiceApi api;
    private final Template plans;
    private final ObjectMapper json;

    public RatePlanResource(Pages pages, ServiceApi api, @Location("rate-plans.html") Template plans,
            ObjectMapper json) {
        this.pages = pages;
        this.api = api;
        this.plans = plans;
        this.json = json;
    }

    /** The form of one plan. */
    public static class Form {
        @FormParam("slug")
        public String slug;
        @FormParam("name")
        public String name;
        @FormParam("pricing")
        public String pricing;
        @FormParam("markupPercent")
        public String markupPercent;
        @FormParam("targetMarginPercent")
        public String targetMarginPercent;
        @FormParam("dailyTokenLimit")
        public String dailyTokenLimit;
        @FormParam("monthlyTokenLimit")
        public String monthlyTokenLimit;
        @FormParam("monthlyCostCap")
        public String monthlyCostCap;
        @FormParam("feePerRequest")
        public String feePerRequest;
        @FormParam("dailyRequestLimit")
        public String dailyRequestLimit;
        @FormParam("burstPerMinute")
        public String burstPerMinute;
        /** Comma- or space-separated model ids; blank: every model allowed. */
        @FormParam("allowedModels")
        public String allowedModels;
        @FormParam("enforcement")
        public String enforcement;

        Map<String, String> values() {
            Map<String, String> v = new LinkedHashMap<>();
            v.put("name", name);
            v.put("pricing", pricing);
            v.put("markupPercent", markupPercent);
            v.put("targetMarginPercent", targetMarginPercent);
            v.put("dailyTokenLimit", dailyTokenLimit);
            v.put("monthlyTokenLimit", monthlyTokenLimit);
            v.put("monthlyCostCap", monthlyCostCap);
            v.put("feePerRequest", feePerRequest);
            v.put("dailyRequestLimit", dailyRequestLimit);
            v.put("burstPerMinute", burstPerMinute);
            v.put("allowedModels", allowedModels);
            v.put("enforcement", enforcement);
            return v;
        }
    }

    @GET
    public TemplateInstance list(@QueryParam("org") String org, @QueryParam("error") String error,
            @QueryParam("saved") String saved) {
        pages.requireManager();
        Chrome chrome = pages.chrome(org, "rate-plans", "Rate plans");
        TemplateInstance page = plans.data("chrome", chrome).data("flash", error).data("saved", saved)
                .data("emptyPlan", json.createObjectNode()); // the "new plan" form: every field blank
        if (chrome.org() == null) {
            return page.data("plans", null);
        }
        return page.data("plans", api.get(Service.USAGE, base(chrome) + "/rate-plans"));
    }

    @POST
    public Response create(@QueryParam("org") String org, @BeanParam Form form) {
        pages.requireManager();
        Chrome chrome = pages.chrome(org, "rate-plans", "Rate plans");
        String slug = form.slug == null ? "" : form.slug.trim();
        Map<String, Object> body = body(null, slug, form.values());
        return back(chrome, api.put(Service.USAGE, base(chrome) + "/rate-plans/" + seg(slug), body), slug);
    }

    @POST
    @Path("{slug}")
    public Response update(@QueryParam("org") String org, @PathParam("slug") String slug, @BeanParam Form form) {
        pages.requireManager();
        Chrome chrome = pages.chrome(org, "rate-plans", "Rate plans");
        String path = base(chrome) + "/rate-plans/" + seg(slug);
        ApiResult current = api.get(Service.USAGE, path);
        if (!current.ok()) {
            return back(chrome, current, slug);
        }
        return back(chrome, api.put(Service.USAGE, path, body(current.body(), slug, form.values())), slug);
    }

    /**
     * The request a PUT replaces the plan with: the current plan (when editing) overlaid with the form. A blank
     * field means "none" (no limit, no markup), sent as null rather than zero; decimals travel as strings (as money
     * does in the API), counts as JSON numbers, and the service validates them.
     */
    /** The integer fields of a rate plan. */
    private static final List<String> COUNTS = List.of("dailyTokenLimit", "monthlyTokenLimit", "dailyRequestLimit",
            "burstPerMinute");

    Map<String, Object> body(JsonNode current, String slug, Map<String, String> form) {
        Map<String, Object> body = new LinkedHashMap<>();
        if (current != null) {
            @SuppressWarnings("unchecked")
            Map<String, Object> existing = json.convertValue(current, Map.class);
            body.putAll(existing);
            READ_ONLY.forEach(body::remove);
        }
        body.put("slug", slug);
        form.forEach((key, value) -> body.put(key, value == null || value.isBlank() ? null : value.trim()));
        // the API binds counts strictly (a string is not an integer): a whole number goes as a JSON number, anything
        // else as typed, so the service's own refusal (400 invalid_value) names the field
        COUNTS.forEach(key -> {
            if (body.get(key) instanceof String text && text.matches("-?\\d{1,18}")) {
                body.put(key, Long.parseLong(text));
            }
        });
        if (form.containsKey("allowedModels")) {
            // a list in the API; blank in the form means no restriction (an empty list)
            String models = form.get("allowedModels");
            body.put("allowedModels", models == null || models.isBlank()
                    ? List.of()
                    : java.util.Arrays.stream(models.split("[,\\s]+")).filter(m -> !m.isBlank()).toList());
        }
        return body;
    }

    private Response back(Chrome chrome, ApiResult result, String slug) {
        return chrome.redirect(result.ok() ? "/rate-plans?saved=" + seg(slug) : "/rate-plans", result);
    }

    private static String base(Chrome chrome) {
        return "/v1/orgs/" + seg(chrome.requireOrg());
    }
}
