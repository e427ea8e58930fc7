package io.accrue.contract.client;

import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;

import org.eclipse.microprofile.rest.client.annotation.RegisterProvider;
import org.eclipse.microprofile.rest.client.inject.RegisterRestClient;

import com.fasterxml.jackson.databind.JsonNode;

import io.accrue.common.security.ServiceAuthFilter;

/** subscription-service, as contract-service calls it (docs/internal-apis.md), with its own billing-service token. */
@RegisterRestClient(configKey = "subscription-service")
@RegisterProvider(ServiceAuthFilter.class)
@Path("/v1")
public interface SubscriptionApi {

    /** A billing event into the one delivery system; idempotent on the event id (201, or 200 again). */
    @POST
    @Path("/billing-events")
    JsonNode publish(SubscriptionClient.PublishEvent event);
}
