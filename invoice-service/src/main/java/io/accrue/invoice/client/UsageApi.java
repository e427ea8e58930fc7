package io.accrue.invoice.client;

import java.time.Instant;

import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.QueryParam;

import org.eclipse.microprofile.rest.client.annotation.RegisterProvider;
import org.eclipse.microprofile.rest.client.inject.RegisterRestClient;

import io.accrue.common.security.ServiceAuthFilter;
import io.accrue.invoice.client.UsageRecords.Summary;

@RegisterRestClient(configKey = "usage-service")
@RegisterProvider(ServiceAuthFilter.class)
@RegisterProvider(ClientJson.class)
@Path("/v1")
public interface UsageApi {

    @GET
    @Path("/orgs/{orgId}/usage/summary")
    Summary summary(@PathParam("orgId") String orgId, @QueryParam("environment") String environment,
            @QueryParam("from") Instant from, @QueryParam("to") Instant to,
            @QueryParam("recordedBefore") Instant recordedBefore);
}
