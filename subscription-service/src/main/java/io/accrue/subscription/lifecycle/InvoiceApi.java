package io.accrue.subscription.lifecycle;

import java.util.List;

import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;

import org.eclipse.microprofile.rest.client.annotation.RegisterProvider;
import org.eclipse.microprofile.rest.client.inject.RegisterRestClient;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;

import io.accrue.common.security.ServiceAuthFilter;

/**
 * invoice-service's invoices as docs/internal-apis.md describes them; only what subscription-service needs: the list
 * (the currency switch) and an issued invoice's PDF (the invoice mail's attachment).
 */
@RegisterRestClient(configKey = "invoice-service")
@RegisterProvider(ServiceAuthFilter.class)
@Path("/v1/orgs/{orgId}/invoices")
public interface InvoiceApi {

    @GET
    Page list(@PathParam("orgId") String orgId, @QueryParam("status") String status,
            @QueryParam("limit") int limit);

    @GET
    @Path("/{invoiceId}/pdf")
    @Produces("application/pdf")
    byte[] pdf(@PathParam("orgId") String orgId, @PathParam("invoiceId") String invoiceId);

    @JsonIgnoreProperties(ignoreUnknown = true)
    record Page(List<Item> items) {}

    @JsonIgnoreProperties(ignoreUnknown = true)
    record Item(String id, String number, String status, String currency) {}
}
