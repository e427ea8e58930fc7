package io.accrue.subscription.lifecycle;

import java.util.List;

import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.QueryParam;

import org.eclipse.microprofile.rest.client.annotation.RegisterProvider;
import org.eclipse.microprofile.rest.client.inject.RegisterRestClient;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;

import io.accrue.common.security.ServiceAuthFilter;

/** invoice-service's invoice list as docs/internal-apis.md describes it; only what the currency switch needs. */
@RegisterRestClient(configKey = "invoice-service")
@RegisterProvider(ServiceAuthFilter.class)
@Path("/v1/orgs/{orgId}/invoices")
public interface InvoiceApi {

    @GET
    Page list(@PathParam("orgId") String orgId, @QueryParam("status") String status,
            @QueryParam("limit") int limit);

    @JsonIgnoreProperties(ignoreUnknown = true)
    record Page(List<Item> items) {}

    @JsonIgnoreProperties(ignoreUnknown = true)
    record Item(String id, String number, String status, String currency) {}
}
