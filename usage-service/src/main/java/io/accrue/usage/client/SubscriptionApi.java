package io.accrue.usage.client;

import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.QueryParam;

import org.eclipse.microprofile.rest.client.annotation.RegisterProvider;
import org.eclipse.microprofile.rest.client.inject.RegisterRestClient;

import io.accrue.common.security.ServiceAuthFilter;

/** subscription-service, as docs/internal-apis.md describes it. */
@RegisterRestClient(configKey = "subscription-service")
@RegisterProvider(ServiceAuthFilter.class)
@Path("/v1/accounts")
public interface SubscriptionApi {

    @GET
    @Path("/{orgId}")
    Account account(@PathParam("orgId") String orgId);

    @GET
    @Path("/{orgId}/subscription")
    Subscription subscription(@PathParam("orgId") String orgId);

    /** {@code usage=false}: without this period's counts, which subscription-service would read from us. */
    @GET
    @Path("/{orgId}/status")
    AccountStatus status(@PathParam("orgId") String orgId, @QueryParam("usage") boolean usage);
}
