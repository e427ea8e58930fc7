package io.accrue.console.overview;

import static io.accrue.console.api.ServiceApi.seg;

import java.net.URI;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;

import jakarta.annotation.security.RolesAllowed;
import jakarta.ws.rs.FormParam;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.UriInfo;

import io.accrue.console.api.ApiResult;
import io.accrue.console.api.Service;
import io.accrue.console.api.ServiceApi;
import io.accrue.console.pages.Chrome;
import io.accrue.console.pages.Pages;
import io.accrue.console.session.Viewer;
import io.quarkus.qute.Location;
import io.quarkus.qute.Template;
import io.quarkus.qute.TemplateInstance;

/** Settings → Billing: plan, status, period end, dunning banner, spend gate, Checkout and Customer Portal. */
@Path("/")
@Produces(MediaType.TEXT_HTML)
public class OverviewResource {

    /** Statuses in which the account is in dunning: the banner tells the user what to do. */
    static final Set<String> DUNNING = Set.of("past_due", "grace", "suspended");

    private final Pages pages;
    private final ServiceApi api;
    private final Template overview;

    public OverviewResource(Pages pages, ServiceApi api, @Location("overview.html") Template overview) {
        this.pages = pages;
        this.api = api;
        this.overview = overview;
    }

    @GET
    @RolesAllowed({Viewer.PLATFORM_OPERATOR, Viewer.OWNER, Viewer.BILLING_ADMIN, Viewer.MEMBER})
    public TemplateInstance show(@QueryParam("org") String org, @QueryParam("error") String error) {
        Chrome chrome = pages.chrome(org, "overview", "Billing");
        TemplateInstance page = overview.data("chrome", chrome).data("flash", error);
        if (chrome.org() == null) {
            return page.data("status", null).data("subscription", null).data("gate", null).data("dunning", false)
                    .data("catalog", null).data("entitlements", null);
        }
        String base = "/v1/accounts/" + seg(chrome.org());
        CompletableFuture<ApiResult> status = api.getAsync(Service.SUBSCRIPTION, base + "/status", Map.of());
        CompletableFuture<ApiResult> subscription = api.getAsync(Service.SUBSCRIPTION, base + "/subscription",
                Map.of());
        CompletableFuture<ApiResult> gate = api.getAsync(Service.SUBSCRIPTION, base + "/spend-gate", Map.of());
        CompletableFuture<ApiResult> catalog = api.getAsync(Service.SUBSCRIPTION, "/v1/plans", Map.of());
        // what the plan entitles the organisation to, with this period's usage of each metered limit (docs/entitlements.md)
        CompletableFuture<ApiResult> entitlements = api.getAsync(Service.USAGE,
                "/v1/orgs/" + seg(chrome.org()) + "/entitlements", Map.of());
        ApiResult s = status.join();
        return page.data("status", s).data("subscription", subscription.join()).data("gate", gate.join())
                .data("catalog", catalog.join()).data("entitlements", entitlements.join())
                .data("dunning", s.ok() && DUNNING.contains(s.body().path("status").asText()));
    }

    /** Opens Stripe Checkout for a plan: the service creates the session, the browser goes to its URL. */
    @POST
    @Path("checkout")
    @RolesAllowed({Viewer.PLATFORM_OPERATOR, Viewer.OWNER, Viewer.BILLING_ADMIN})
    public Response checkout(@QueryParam("org") String org, @FormParam("priceId") String priceId,
            @Context UriInfo uri) {
        String back = back(uri, org);
        return toStripe(org, "/checkout-sessions", Map.of("priceId", priceId == null ? "" : priceId, "successUrl",
                back, "cancelUrl", back));
    }

    /** Opens the Stripe Customer Portal for the account. */
    @POST
    @Path("portal")
    @RolesAllowed({Viewer.PLATFORM_OPERATOR, Viewer.OWNER, Viewer.BILLING_ADMIN})
    public Response portal(@QueryParam("org") String org, @Context UriInfo uri) {
        return toStripe(org, "/portal-sessions", Map.of("returnUrl", back(uri, org)));
    }

    /** Where Stripe sends the browser back to: this console's billing page (absolute, as Stripe needs). */
    static String back(UriInfo uri, String org) {
        String base = uri.getBaseUri().toString();
        base = base.endsWith("/") ? base : base + "/";
        return org == null || org.isBlank() ? base : base + "?org=" + seg(org);
    }

    private Response toStripe(String org, String path, Map<String, String> body) {
        Chrome chrome = pages.chrome(org, "overview", "Billing");
        ApiResult session = api.post(Service.SUBSCRIPTION, "/v1/accounts/" + seg(chrome.org()) + path, body);
        if (session.ok() && session.body().hasNonNull("url")) {
            return Response.seeOther(URI.create(session.body().get("url").asText())).build();
        }
        String why = session.ok() ? "The service answered without a URL." : describe(session);
        return Response.seeOther(URI.create(chrome.link("/?error=" + java.net.URLEncoder.encode(why,
                java.nio.charset.StandardCharsets.UTF_8)))).build();
    }

    static String describe(ApiResult result) {
        var p = result.problem();
        return p.status() + " " + p.title() + (p.detail().isBlank() ? "" : ": " + p.detail())
                + (p.code() == null ? "" : " (" + p.code() + ")");
    }
}
