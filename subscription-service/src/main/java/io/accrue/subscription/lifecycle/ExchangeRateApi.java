package io.accrue.subscription.lifecycle;

import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.core.Response;

import org.eclipse.microprofile.rest.client.annotation.RegisterProvider;
import org.eclipse.microprofile.rest.client.inject.RegisterRestClient;

import io.accrue.common.security.ServiceAuthFilter;

/** invoice-service's exchange-rate rule (docs/internal-apis.md): 200 with the rate in effect now, or 404. */
@RegisterRestClient(configKey = "invoice-service")
@RegisterProvider(ServiceAuthFilter.class)
@Path("/v1/exchange-rates")
public interface ExchangeRateApi {

    @GET
    @Path("/{from}/{to}/effective")
    Response effective(@PathParam("from") String from, @PathParam("to") String to);
}
