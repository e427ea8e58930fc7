package io.accrue.console.account;

import static io.accrue.console.api.ServiceApi.seg;

import java.util.LinkedHashMap;
import java.util.List;
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

import io.accrue.console.api.Service;
import io.accrue.console.api.ServiceApi;
import io.accrue.console.pages.Chrome;
import io.accrue.console.pages.Pages;
import io.accrue.console.session.Viewer;
import io.quarkus.qute.Location;
import io.quarkus.qute.Template;
import io.quarkus.qute.TemplateInstance;

/** Billing contacts of the account (subscription-service): who receives invoices and dunning mail. */
@Path("/contacts")
@Produces(MediaType.TEXT_HTML)
@RolesAllowed({Viewer.PLATFORM_OPERATOR, Viewer.OWNER, Viewer.BILLING_ADMIN})
public class ContactPages {

    private final Pages pages;
    private final ServiceApi api;
    private final Template contacts;

    public ContactPages(Pages pages, ServiceApi api, @Location("contacts.html") Template contacts) {
        this.pages = pages;
        this.api = api;
        this.contacts = contacts;
    }

    @GET
    public TemplateInstance contacts(@QueryParam("org") String org, @QueryParam("error") String error) {
        pages.requireManager();
        Chrome chrome = pages.chrome(org, "contacts", "Billing contacts");
        return contacts.data("chrome", chrome).data("flash", error).data("contacts",
                chrome.org() == null ? null : api.get(Service.SUBSCRIPTION, base(chrome) + "/contacts"));
    }

    @POST
    public Response addContact(@QueryParam("org") String org, @FormParam("email") String email,
            @FormParam("name") String name, @FormParam("receives") List<String> receives) {
        pages.requireManager();
        Chrome chrome = pages.chrome(org, "contacts", "Billing contacts");
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("email", email == null ? "" : email.trim());
        body.put("name", name == null ? "" : name.trim());
        // one checkbox per mail the service sends (docs/mail.md); an unticked box is simply not posted
        List<String> ticked = receives == null ? List.of() : receives;
        body.put("receivesInvoices", ticked.contains("invoices"));
        body.put("receivesDunning", ticked.contains("dunning"));
        body.put("receivesUsageAlerts", ticked.contains("usage-alerts"));
        body.put("receivesContractNotices", ticked.contains("contract-notices"));
        return chrome.redirect("/contacts", api.post(Service.SUBSCRIPTION, base(chrome) + "/contacts", body));
    }

    @POST
    @Path("{contactId}/delete")
    public Response removeContact(@QueryParam("org") String org, @PathParam("contactId") String contactId) {
        pages.requireManager();
        Chrome chrome = pages.chrome(org, "contacts", "Billing contacts");
        return chrome.redirect("/contacts",
                api.delete(Service.SUBSCRIPTION, base(chrome) + "/contacts/" + seg(contactId)));
    }

    private static String base(Chrome chrome) {
        return "/v1/accounts/" + seg(chrome.requireOrg());
    }
}
