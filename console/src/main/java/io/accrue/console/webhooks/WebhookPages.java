package io.accrue.console.webhooks;

import static io.accrue.console.api.ServiceApi.seg;

import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.DateTimeException;
import java.time.LocalDate;
import java.time.ZoneId;
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
 * The organisation's billing-event endpoints (subscription-service's one delivery system, docs/webhooks.md): register
 * with a choice of event types, send a test event, pause, rotate the secret, remove; the delivery log with each try's
 * response code; replay of one event or of a range of days. A secret is shown in the answer to its creation or
 * rotation, once, never in a URL or a redirect. Owners and billing admins change; operators read (the service
 * refuses their changes, and the page shows its refusal).
 */
@Path("/webhooks")
@Produces(MediaType.TEXT_HTML)
@RolesAllowed({Viewer.PLATFORM_OPERATOR, Viewer.OWNER, Viewer.BILLING_ADMIN})
public class WebhookPages {

    private static final String TITLE = "Webhooks";
    /** Deliveries per page of the log; older ones through the cursor. */
    private static final String LOG_PAGE = "25";

    private final Pages pages;
    private final ServiceApi api;
    private final Template webhooks;

    public WebhookPages(Pages pages, ServiceApi api, @Location("webhooks.html") Template webhooks) {
        this.pages = pages;
        this.api = api;
        this.webhooks = webhooks;
    }

    @GET
    public TemplateInstance show(@QueryParam("org") String org, @QueryParam("error") String error,
            @QueryParam("done") String done, @QueryParam("cursor") String cursor) {
        Chrome chrome = managerChrome(org);
        return page(chrome, error, Done.message(done), null, null, cursor);
    }

    /** The delivery log of one endpoint. */
    @GET
    @Path("{endpointId}/log")
    public TemplateInstance log(@QueryParam("org") String org, @PathParam("endpointId") String endpointId,
            @QueryParam("cursor") String cursor) {
        Chrome chrome = managerChrome(org);
        return page(chrome, null, null, null, endpointId, cursor);
    }

    @POST
    public Object create(@QueryParam("org") String org, @FormParam("url") String url,
            @FormParam("description") String description, @FormParam("eventTypes") List<String> eventTypes,
            @FormParam("allTypes") String allTypes) {
        pages.requireManager();
        Chrome chrome = pages.chrome(org, "webhooks", TITLE);
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("url", url == null ? "" : url.strip());
        if (description != null && !description.isBlank()) {
            body.put("description", description.strip());
        }
        // "all types" is the service's "*": the endpoint also receives types added later
        body.put("eventTypes", allTypes != null ? List.of("*") : eventTypes == null ? List.of() : eventTypes);
        ApiResult created = api.post(Service.SUBSCRIPTION, base(chrome) + "/webhook-endpoints", body);
        if (!created.ok()) {
            return chrome.redirect("/webhooks", created);
        }
        return page(chrome, null, null, new Secret(created.body().path("endpoint").path("url").asText(),
                created.body().path("secret").asText(), false), null, null);
    }

    @POST
    @Path("{endpointId}/test")
    public Response test(@QueryParam("org") String org, @PathParam("endpointId") String endpointId) {
        Chrome chrome = managerChrome(org);
        return done(chrome, Done.TEST_SENT,
                api.post(Service.SUBSCRIPTION, endpoint(chrome, endpointId) + "/test", Map.of()));
    }

    @POST
    @Path("{endpointId}/enable")
    public Response enable(@QueryParam("org") String org, @PathParam("endpointId") String endpointId) {
        Chrome chrome = managerChrome(org);
        return done(chrome, Done.ENABLED,
                api.patch(Service.SUBSCRIPTION, endpoint(chrome, endpointId), Map.of("enabled", true)));
    }

    @POST
    @Path("{endpointId}/disable")
    public Response disable(@QueryParam("org") String org, @PathParam("endpointId") String endpointId) {
        Chrome chrome = managerChrome(org);
        return done(chrome, Done.DISABLED,
                api.patch(Service.SUBSCRIPTION, endpoint(chrome, endpointId), Map.of("enabled", false)));
    }

    @POST
    @Path("{endpointId}/rotate")
    public Object rotate(@QueryParam("org") String org, @PathParam("endpointId") String endpointId) {
        Chrome chrome = managerChrome(org);
        ApiResult rotated = api.post(Service.SUBSCRIPTION, endpoint(chrome, endpointId) + "/rotate-secret", Map.of());
        if (!rotated.ok()) {
            return chrome.redirect("/webhooks", rotated);
        }
        return page(chrome, null, null, new Secret(rotated.body().path("endpoint").path("url").asText(),
                rotated.body().path("secret").asText(), true), null, null);
    }

    @POST
    @Path("{endpointId}/delete")
    public Response delete(@QueryParam("org") String org, @PathParam("endpointId") String endpointId) {
        Chrome chrome = managerChrome(org);
        return done(chrome, Done.REMOVED, api.delete(Service.SUBSCRIPTION, endpoint(chrome, endpointId)));
    }

    @POST
    @Path("events/{eventId}/replay")
    public Response replayOne(@QueryParam("org") String org, @PathParam("eventId") String eventId) {
        Chrome chrome = managerChrome(org);
        return done(chrome, Done.REPLAYED,
                api.post(Service.SUBSCRIPTION, base(chrome) + "/webhook-events/" + seg(eventId) + "/replay", Map.of()));
    }

    /** Every event of the days {@code from}…{@code to} (inclusive, in the account's time zone) again. */
    @POST
    @Path("replay")
    public Response replayRange(@QueryParam("org") String org, @FormParam("from") String from,
            @FormParam("to") String to) {
        Chrome chrome = managerChrome(org);
        ZoneId zone = ZoneId.of(chrome.zone());
        LocalDate first;
        LocalDate last;
        try {
            first = LocalDate.parse(from == null ? "" : from.strip());
            last = LocalDate.parse(to == null ? "" : to.strip());
        } catch (DateTimeException e) {
            return flash(chrome, "Pick the first and the last day of the replay.");
        }
        if (last.isBefore(first)) {
            return flash(chrome, "The last day comes before the first.");
        }
        Map<String, Object> range = Map.of("from", first.atStartOfDay(zone).toInstant().toString(), "to",
                last.plusDays(1).atStartOfDay(zone).toInstant().toString());
        return done(chrome, Done.REPLAYED, api.post(Service.SUBSCRIPTION, base(chrome) + "/webhook-events/replay",
                range));
    }

    private Chrome managerChrome(String org) {
        pages.requireManager();
        return pages.chrome(org, "webhooks", TITLE);
    }

    private TemplateInstance page(Chrome chrome, String error, String notice, Secret secret, String endpointId,
            String cursor) {
        TemplateInstance page = webhooks.data("chrome", chrome).data("flash", error).data("notice", notice)
                .data("secret", secret).data("endpointId", endpointId);
        if (chrome.org() == null) {
            return page.data("endpoints", null).data("types", null).data("deliveries", null).data("older", null);
        }
        Map<String, String> query = new LinkedHashMap<>();
        query.put("limit", LOG_PAGE);
        if (endpointId != null && !endpointId.isBlank()) {
            query.put("endpointId", endpointId);
        }
        if (cursor != null && !cursor.isBlank()) {
            query.put("cursor", cursor);
        }
        CompletableFuture<ApiResult> endpoints = api.getAsync(Service.SUBSCRIPTION, base(chrome) + "/webhook-endpoints",
                Map.of());
        CompletableFuture<ApiResult> types = api.getAsync(Service.SUBSCRIPTION, "/v1/webhook-event-types", Map.of());
        CompletableFuture<ApiResult> deliveries = api.getAsync(Service.SUBSCRIPTION,
                base(chrome) + "/webhook-deliveries", query);
        ApiResult log = deliveries.join();
        String next = log.ok() ? log.body().path("nextCursor").asText(null) : null;
        String here = endpointId == null ? chrome.link("/webhooks") : chrome.to("/webhooks/", endpointId, "/log");
        String older = next == null
                ? null
                : here + (here.contains("?") ? "&" : "?") + "cursor=" + URLEncoder.encode(next, StandardCharsets.UTF_8);
        return page.data("endpoints", endpoints.join()).data("types", types.join()).data("deliveries", log)
                .data("older", older);
    }

    /** Back to the page after a change: the service's refusal in {@code error}, or what was done. */
    private static Response done(Chrome chrome, Done what, ApiResult result) {
        return result.ok()
                ? chrome.redirect("/webhooks?done=" + what.param, result)
                : chrome.redirect("/webhooks",
                        result);
    }

    private static Response flash(Chrome chrome, String message) {
        return Response.seeOther(URI.create(chrome.link("/webhooks?error=" + seg(message)))).build();
    }

    private static String base(Chrome chrome) {
        return "/v1/accounts/" + seg(chrome.requireOrg());
    }

    private static String endpoint(Chrome chrome, String endpointId) {
        return base(chrome) + "/webhook-endpoints/" + seg(endpointId);
    }

    /** A secret to show once: after a registration or a rotation (the previous one still signs for 24 h). */
    public record Secret(String url, String value, boolean rotated) {}

    /** What a change did, named in the redirect so a reload shows it without repeating it. */
    enum Done {
        TEST_SENT("test", "Test event queued: it appears in the log below within seconds."), ENABLED("enabled",
                "Endpoint enabled."), DISABLED("disabled",
                        "Endpoint paused: nothing new is sent to it, its pending deliveries are canceled."), REMOVED(
                                "removed", "Endpoint removed."), REPLAYED("replayed",
                                        "Replay queued: the events go out again under their own ids.");

        final String param;
        final String message;

        Done(String param, String message) {
            this.param = param;
            this.message = message;
        }

        static String message(String param) {
            for (Done d : values()) {
                if (d.param.equals(param)) {
                    return d.message;
                }
            }
            return null;
        }
    }
}
