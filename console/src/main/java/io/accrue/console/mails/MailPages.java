package io.accrue.console.mails;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;

import jakarta.annotation.security.RolesAllowed;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;

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
 * What was mailed to the organisation's billing contacts (subscription-service's mail log, docs/mail.md): each mail's
 * kind, recipients, subject, status, attempts, last error and attachments, newest first. Every member reads it.
 */
@Path("/mails")
@Produces(MediaType.TEXT_HTML)
@RolesAllowed({Viewer.PLATFORM_OPERATOR, Viewer.OWNER, Viewer.BILLING_ADMIN, Viewer.MEMBER})
public class MailPages {

    /** Mails per page; older ones through the cursor. */
    private static final String PAGE = "25";

    private final Pages pages;
    private final ServiceApi api;
    private final Template mails;

    public MailPages(Pages pages, ServiceApi api, @Location("mails.html") Template mails) {
        this.pages = pages;
        this.api = api;
        this.mails = mails;
    }

    @GET
    public TemplateInstance show(@QueryParam("org") String org, @QueryParam("cursor") String cursor) {
        pages.requireReader();
        Chrome chrome = pages.chrome(org, "mails", "Mails");
        TemplateInstance page = mails.data("chrome", chrome);
        if (chrome.org() == null) {
            return page.data("mails", null).data("older", null);
        }
        Map<String, String> query = new LinkedHashMap<>();
        query.put("limit", PAGE);
        if (cursor != null && !cursor.isBlank()) {
            query.put("cursor", cursor);
        }
        ApiResult log = api.get(Service.SUBSCRIPTION, "/v1/accounts/" + ServiceApi.seg(chrome.requireOrg()) + "/mails",
                query);
        String next = log.ok() ? log.body().path("nextCursor").asText(null) : null;
        String here = chrome.link("/mails");
        String older = next == null
                ? null
                : here + (here.contains("?") ? "&" : "?") + "cursor=" + URLEncoder.encode(next, StandardCharsets.UTF_8);
        return page.data("mails", log).data("older", older);
    }
}
