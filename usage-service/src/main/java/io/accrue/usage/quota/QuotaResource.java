package io.accrue.usage.quota;

import java.util.Optional;
import java.util.UUID;

import jakarta.annotation.security.RolesAllowed;
import jakarta.validation.Valid;
import jakarta.validation.constraints.NotNull;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.Response;

import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;
import org.jboss.resteasy.reactive.RestResponse;
import org.jboss.resteasy.reactive.RestResponse.ResponseBuilder;

import io.accrue.common.error.ApiException;
import io.accrue.common.security.Caller;
import io.accrue.common.security.Roles;
import io.accrue.usage.ingest.UsageLogLag;
import io.accrue.usage.quota.QuotaRequests.QuotaAnswer;
import io.accrue.usage.quota.QuotaRequests.ReservationView;
import io.accrue.usage.quota.QuotaRequests.ReserveRequest;

/** What a gateway asks before a model call. Organisation from the token, environment from the credential. */
@Path("/v1/quota")
@Tag(name = "Quota")
public class QuotaResource {

    /** Ingestion mode kafka: the records of the organisation's usage-log partition not yet in the counters. */
    static final String LOG_LAG_HEADER = "Accrue-Usage-Log-Lag";

    private final QuotaService service;
    private final Caller caller;
    private final UsageLogLag lag;

    QuotaResource(QuotaService service, Caller caller, UsageLogLag lag) {
        this.service = service;
        this.caller = caller;
        this.lag = lag;
    }

    @GET
    @Path("/check")
    @RolesAllowed(Roles.USAGE_REPORTER)
    @Operation(summary = "May this end user make a call? 200 allowed (maybe flagged), 429 + Retry-After when blocked")
    public RestResponse<QuotaAnswer> check(@QueryParam("endUserId") String endUserId, @QueryParam("model") String model,
            @QueryParam("estimatedTokens") Long estimatedTokens) {
        if (endUserId == null || endUserId.isBlank() || endUserId.length() > 128) {
            throw ApiException.badRequest("end_user_required", "endUserId is required (at most 128 characters).");
        }
        if (estimatedTokens != null && estimatedTokens < 0) {
            throw ApiException.badRequest("invalid_value", "estimatedTokens cannot be negative.");
        }
        String org = caller.requireOrganisation();
        // read before the decision: whatever the counters miss is in these records or appended since asOf
        Optional<UsageLogLag.Seen> seen = lag.forOrganisation(org);
        QuotaAnswer answer = service.check(org, caller.requireEnvironment().wireName(), endUserId, model,
                estimatedTokens == null ? 0 : estimatedTokens);
        if (seen.isEmpty()) {
            return RestResponse.ok(answer);
        }
        return ResponseBuilder.ok(answer.withUsageLog(seen.get()))
                .header(LOG_LAG_HEADER, seen.get().records()).build();
    }

    @POST
    @Path("/reservations")
    @RolesAllowed(Roles.USAGE_REPORTER)
    @Operation(summary = "Hold estimated tokens/cost until the usage event settles it, or the TTL expires")
    public Response reserve(@NotNull @Valid ReserveRequest request) {
        String org = caller.requireOrganisation();
        Optional<UsageLogLag.Seen> seen = lag.forOrganisation(org);
        ReservationView v = service.reserve(org, caller.requireEnvironment().wireName(), request);
        Response.ResponseBuilder created = Response.status(201).entity(v);
        seen.ifPresent(s -> created.header(LOG_LAG_HEADER, s.records()));
        return created.build();
    }

    @DELETE
    @Path("/reservations/{id}")
    @RolesAllowed(Roles.USAGE_REPORTER)
    @Operation(summary = "Release an open reservation (the call did not happen)")
    public ReservationView release(@PathParam("id") UUID id) {
        return service.release(caller.requireOrganisation(), caller.requireEnvironment().wireName(), id);
    }
}
