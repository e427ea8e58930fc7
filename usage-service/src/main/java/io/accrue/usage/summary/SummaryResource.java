package io.accrue.usage.summary;

import java.time.Instant;
import java.util.List;

import jakarta.annotation.security.RolesAllowed;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.QueryParam;

import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

import io.accrue.common.error.ApiException;
import io.accrue.common.security.Environment;
import io.accrue.common.security.Roles;
import io.accrue.usage.summary.UsageSummary.DailyRow;

@Path("/v1/orgs/{orgId}/usage")
@Tag(name = "Usage summaries")
public class SummaryResource {

    private final SummaryService service;

    SummaryResource(SummaryService service) {
        this.service = service;
    }

    @GET
    @Path("/summary")
    @RolesAllowed({Roles.PLATFORM_OPERATOR, Roles.OWNER, Roles.BILLING_ADMIN, Roles.MEMBER, Roles.BILLING_SERVICE})
    @Operation(summary = "Totals, per model and per end user for [from, to) by occurred_at; recordedBefore limits to events ingested before that instant")
    public UsageSummary summary(@PathParam("orgId") String orgId, @QueryParam("environment") String environment,
            @QueryParam("from") Instant from, @QueryParam("to") Instant to,
            @QueryParam("recordedBefore") Instant recordedBefore) {
        return service.summary(orgId, env(environment), from, to, recordedBefore);
    }

    @GET
    @Path("/daily")
    @RolesAllowed({Roles.PLATFORM_OPERATOR, Roles.OWNER, Roles.BILLING_ADMIN, Roles.MEMBER, Roles.BILLING_SERVICE})
    @Operation(summary = "Daily series (UTC days) of tokens, requests, cost and revenue")
    public List<DailyRow> daily(@PathParam("orgId") String orgId, @QueryParam("environment") String environment,
            @QueryParam("from") Instant from, @QueryParam("to") Instant to) {
        return service.daily(orgId, env(environment), from, to);
    }

    static String env(String value) {
        if (value == null) {
            return Environment.LIVE.wireName();
        }
        return Environment.parse(value).map(Environment::wireName).orElseThrow(() -> ApiException.badRequest(
                "invalid_environment", "environment is test or live."));
    }
}
