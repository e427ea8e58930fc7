package io.accrue.console.apikeys;

import static io.accrue.console.api.ServiceApi.seg;

import java.util.LinkedHashMap;
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
import io.accrue.console.api.Service;
import io.accrue.console.api.ServiceApi;
import io.accrue.console.pages.Chrome;
import io.accrue.console.pages.Pages;
import io.accrue.console.session.Viewer;
import io.quarkus.qute.Location;
import io.quarkus.qute.Template;
import io.quarkus.qute.TemplateInstance;

/**
 * The organisation's API keys (subscription-service): create, list, revoke. A new key is shown in the answer to its
 * creation, once, never in a URL or a redirect.
 */
@Path("/api-keys")
@Produces(MediaType.TEXT_HTML)
@RolesAllowed({Viewer.PLATFORM_OPERATOR, Viewer.OWNER, Viewer.BILLING_ADMIN})
public class ApiKeyPages {

    private final Pages pages;
    private final ServiceApi api;
    private final Template apiKeys;

    public ApiKeyPages(Pages pages, ServiceApi api, @Location("api-keys.html") Template apiKeys) {
        this.pages = pages;
        this.api = api;
        this.apiKeys = apiKeys;
    }

    @GET
    public TemplateInstance list(@QueryParam("org") String org, @QueryParam("error") String error) {
        pages.requireManager();
        Chrome chrome = pages.chrome(org, "api-keys", "API keys");
        return page(chrome, error, null);
    }

    @POST
    public Object create(@QueryParam("org") String org, @FormParam("name") String name,
            @FormParam("environment") String environment, @FormParam("role") String role) {
        pages.requireManager();
        Chrome chrome = pages.chrome(org, "api-keys", "API keys");
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("name", name == null ? "" : name.trim());
        body.put("environment", environment);
        body.put("role", role);
        ApiResult created = api.post(Service.SUBSCRIPTION, base(chrome) + "/api-keys", body);
        if (!created.ok()) {
            return chrome.redirect("/api-keys", created);
        }
        return page(chrome, null, created.body().path("key").asText());
    }

    @POST
    @Path("{keyId}/revoke")
    public Response revoke(@QueryParam("org") String org, @PathParam("keyId") String keyId) {
        pages.requireManager();
        Chrome chrome = pages.chrome(org, "api-keys", "API keys");
        return chrome.redirect("/api-keys",
                api.delete(Service.SUBSCRIPTION, base(chrome) + "/api-keys/" + seg(keyId)));
    }

    private TemplateInstance page(Chrome chrome, String flash, String newKey) {
        return apiKeys.data("chrome", chrome).data("flash", flash).data("newKey", newKey).data("keys",
                chrome.org() == null ? null : api.get(Service.SUBSCRIPTION, base(chrome) + "/api-keys"));
    }

    private static String base(Chrome chrome) {
        return "/v1/accounts/" + seg(chrome.requireOrg());
    }
}
