package io.accrue.console.account;

import static io.accrue.console.api.ServiceApi.seg;

import jakarta.annotation.security.RolesAllowed;
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

/** Payment methods of the account (subscription-service); new cards are added in the Stripe Customer Portal. */
@Path("/payment-methods")
@Produces(MediaType.TEXT_HTML)
@RolesAllowed({Viewer.PLATFORM_OPERATOR, Viewer.OWNER, Viewer.BILLING_ADMIN})
public class PaymentMethodPages {

    private final Pages pages;
    private final ServiceApi api;
    private final Template paymentMethods;

    public PaymentMethodPages(Pages pages, ServiceApi api, @Location("payment-methods.html") Template paymentMethods) {
        this.pages = pages;
        this.api = api;
        this.paymentMethods = paymentMethods;
    }

    @GET
    public TemplateInstance paymentMethods(@QueryParam("org") String org, @QueryParam("error") String error) {
        pages.requireManager();
        Chrome chrome = pages.chrome(org, "payment-methods", "Payment methods");
        return paymentMethods.data("chrome", chrome).data("flash", error).data("methods",
                chrome.org() == null ? null : api.get(Service.SUBSCRIPTION, base(chrome) + "/payment-methods"));
    }

    @POST
    @Path("{paymentMethodId}/default")
    public Response makeDefault(@QueryParam("org") String org, @PathParam("paymentMethodId") String id) {
        pages.requireManager();
        Chrome chrome = pages.chrome(org, "payment-methods", "Payment methods");
        return chrome.redirect("/payment-methods", api.put(Service.SUBSCRIPTION,
                base(chrome) + "/payment-methods/" + seg(id) + "/default", null));
    }

    /** Detaches the card at Stripe (subscription-service refuses cards of other customers with 404). */
    @POST
    @Path("{paymentMethodId}/remove")
    public Response remove(@QueryParam("org") String org, @PathParam("paymentMethodId") String id) {
        pages.requireManager();
        Chrome chrome = pages.chrome(org, "payment-methods", "Payment methods");
        return chrome.redirect("/payment-methods",
                api.delete(Service.SUBSCRIPTION, base(chrome) + "/payment-methods/" + seg(id)));
    }

    private static String base(Chrome chrome) {
        return "/v1/accounts/" + seg(chrome.requireOrg());
    }
}
