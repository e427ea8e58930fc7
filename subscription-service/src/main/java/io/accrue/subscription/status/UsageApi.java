package io.accrue.subscription.status;

import java.time.Instant;

import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.QueryParam;

import org.eclipse.microprofile.rest.client.annotation.RegisterProvider;
import org.eclipse.microprofile.rest.client.inject.RegisterRestClient;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;

import io.accrue.common.security.ServiceAuthFilter;

/** usage-service as docs/internal-apis.md describes it; only the fields the status needs. */
@RegisterRestClient(configKey = "usage-service")
@RegisterProvider(ServiceAuthFilter.class)
@Path("/v1/orgs/{orgId}/usage/summary")
public interface UsageApi {

    @GET
    Summary summary(@PathParam("orgId") String orgId, @QueryParam("environment") String environment,
            @QueryParam("from") Instant from, @QueryParam("to") Instant to);

    @JsonIgnoreProperties(ignoreUnknown = true)
    record Summary(String orgId, Totals totals) {}

    @JsonIgnoreProperties(ignoreUnknown = true)
    record Totals(long totalTokens, long agentSessions) {}
}
