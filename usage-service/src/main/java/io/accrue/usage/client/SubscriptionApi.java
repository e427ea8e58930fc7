package io.accrue.usage.client;

import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.QueryParam;

import org.eclipse.microprofile.rest.client.annotation.RegisterProvider;
import org.eclipse.microprofile.rest.client.inject.RegisterRestClient;

import io.accrue.common.security.ServiceAuthFilter;

/** subscription-service, as docs/internal-apis.md describes it. */
@RegisterRestClient(configKey = "subscription-service")
@RegisterProvider(ServiceAuthFilter.class)
@Path("/v1")
public interface SubscriptionApi {

    @GET
    @Path("/accounts/{orgId}")
    Account account(@PathParam("orgId") String orgId);

    @GET
    @Path("/accounts/{orgId}/subscription")
    Subscription subscription(@PathParam("orgId") String orgId);

    /** {@code usage=false}: without this period's counts, which subscription-service would read from us. */
    @GET
    @Path("/accounts/{orgId}/status")
    AccountStatus status(@PathParam("orgId") String orgId, @QueryParam("usage") boolean usage);

    /** Publishes a billing event into the one webhook delivery system; idempotent on the event id. */
    @POST
    @Path("/billing-events")
    void publish(BillingEventRequest event);
}
