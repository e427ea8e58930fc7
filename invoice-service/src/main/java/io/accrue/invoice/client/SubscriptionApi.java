package io.accrue.invoice.client;

import java.time.Instant;

import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.QueryParam;

import org.eclipse.microprofile.rest.client.annotation.RegisterProvider;
import org.eclipse.microprofile.rest.client.inject.RegisterRestClient;

import io.accrue.common.security.ServiceAuthFilter;
import io.accrue.invoice.client.SubscriptionRecords.Account;
import io.accrue.invoice.client.SubscriptionRecords.AccountPage;
import io.accrue.invoice.client.SubscriptionRecords.EventPage;
import io.accrue.invoice.client.SubscriptionRecords.PlanVersion;
import io.accrue.invoice.client.SubscriptionRecords.PublishEvent;
import io.accrue.invoice.client.SubscriptionRecords.Subscription;

@RegisterRestClient(configKey = "subscription-service")
@RegisterProvider(ServiceAuthFilter.class)
@RegisterProvider(ClientJson.class)
@Path("/v1")
public interface SubscriptionApi {

    @GET
    @Path("/accounts")
    AccountPage accounts(@QueryParam("cursor") String cursor, @QueryParam("limit") Integer limit);

    @GET
    @Path("/accounts/{orgId}")
    Account account(@PathParam("orgId") String orgId);

    @GET
    @Path("/accounts/{orgId}/subscription")
    Subscription subscription(@PathParam("orgId") String orgId);

    @GET
    @Path("/accounts/{orgId}/subscription/events")
    EventPage events(@PathParam("orgId") String orgId, @QueryParam("from") Instant from, @QueryParam("to") Instant to,
            @QueryParam("cursor") String cursor);

    /** The audit trail (a cursor page of entries), as raw JSON: the export passes it through unchanged. */
    @GET
    @Path("/accounts/{orgId}/audit")
    com.fasterxml.jackson.databind.JsonNode audit(@PathParam("orgId") String orgId, @QueryParam("cursor") String cursor,
            @QueryParam("limit") Integer limit);

    @GET
    @Path("/plans/{slug}/versions/{version}")
    PlanVersion plan(@PathParam("slug") String slug, @PathParam("version") int version,
            @QueryParam("currency") String currency);

    /** Publishes a billing event into the one delivery system; idempotent on the event id (201, or 200 again). */
    @POST
    @Path("/billing-events")
    com.fasterxml.jackson.databind.JsonNode publish(PublishEvent event);
}
