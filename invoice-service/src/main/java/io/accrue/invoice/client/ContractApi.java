package io.accrue.invoice.client;

import java.time.Instant;

import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.PUT;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;

import org.eclipse.microprofile.rest.client.annotation.RegisterProvider;
import org.eclipse.microprofile.rest.client.inject.RegisterRestClient;

import com.fasterxml.jackson.databind.JsonNode;

import io.accrue.common.security.ServiceAuthFilter;
import io.accrue.invoice.client.ContractRecords.CreditReturn;
import io.accrue.invoice.client.ContractRecords.Drawdown;
import io.accrue.invoice.client.ContractRecords.Reservation;
import io.accrue.invoice.client.ContractRecords.ReserveCredits;
import io.accrue.invoice.client.ContractRecords.Terms;

@RegisterRestClient(configKey = "contract-service")
@RegisterProvider(ServiceAuthFilter.class)
@RegisterProvider(ClientJson.class)
@Path("/v1/orgs/{orgId}/contracts")
public interface ContractApi {

    @GET
    @Path("/terms")
    Terms terms(@PathParam("orgId") String orgId, @QueryParam("at") Instant at);

    @POST
    @Path("/{contractId}/drawdowns")
    @Consumes(MediaType.APPLICATION_JSON)
    JsonNode drawdown(@PathParam("orgId") String orgId, @PathParam("contractId") String contractId, Drawdown drawdown);

    @PUT
    @Path("/{contractId}/credit-reservations/{reference}")
    @Consumes(MediaType.APPLICATION_JSON)
    Reservation reserve(@PathParam("orgId") String orgId, @PathParam("contractId") String contractId,
            @PathParam("reference") String reference, ReserveCredits request);

    @DELETE
    @Path("/{contractId}/credit-reservations/{reference}")
    Reservation release(@PathParam("orgId") String orgId, @PathParam("contractId") String contractId,
            @PathParam("reference") String reference);

    @POST
    @Path("/{contractId}/credit-returns")
    @Consumes(MediaType.APPLICATION_JSON)
    JsonNode giveBack(@PathParam("orgId") String orgId, @PathParam("contractId") String contractId,
            CreditReturn request);

    /** Raw contract records for the export: passed through as the neighbour wrote them. */
    @GET
    JsonNode contracts(@PathParam("orgId") String orgId, @QueryParam("cursor") String cursor);
}
