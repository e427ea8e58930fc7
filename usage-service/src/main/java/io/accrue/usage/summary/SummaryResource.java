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
    private final java.time.Clock clock;

    SummaryResource(SummaryService service, java.time.Clock clock) {
        this.service = service;
        this.clock = clock;
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
    @Operation(summary = "Daily series (UTC days) of tokens, requests, cost and revenue; of one end user with endUserId")
    public List<DailyRow> daily(@PathParam("orgId") String orgId, @QueryParam("environment") String environment,
            @QueryParam("from") Instant from, @QueryParam("to") Instant to,
            @QueryParam("endUserId") @jakarta.validation.constraints.Size(max = 128) String endUserId) {
        return service.daily(orgId, env(environment), from, to, endUserId);
    }

    @GET
    @Path("/forecast")
    @RolesAllowed({Roles.PLATFORM_OPERATOR, Roles.OWNER, Roles.BILLING_ADMIN, Roles.MEMBER, Roles.BILLING_SERVICE})
    @Operation(summary = "Projected end-of-period usage, cost and revenue for [from, to) from the burn rate so far (linear)")
    public ForecastView forecast(@PathParam("orgId") String orgId, @QueryParam("environment") String environment,
            @QueryParam("from") Instant from, @QueryParam("to") Instant to) {
        String env = env(environment);
        Instant now = clock.instant();
        if (from == null || to == null || !from.isBefore(to)) {
            throw ApiException.badRequest("window_invalid", "from and to are required and from must be before to.");
        }
        Instant observedTo = now.isBefore(to) ? (now.isAfter(from) ? now : from.plusNanos(1000)) : to;
        UsageSummary.Counters seen = service.summary(orgId, env, from, observedTo, null).totals();
        java.math.BigDecimal f = Forecast.factor(from, to, now);
        return new ForecastView(orgId, env, from, to, now,
                "linear burn rate: observed x period length / elapsed (at least 1 h)",
                seen, new Projected(Forecast.project(seen.totalTokens(), f), Forecast.project(seen.requests(), f),
                        Forecast.project(seen.cost(), f), Forecast.project(seen.revenue(), f)));
    }

    public record Projected(long totalTokens, long requests, java.math.BigDecimal cost, java.math.BigDecimal revenue) {}

    public record ForecastView(String orgId, String environment, Instant from, Instant to, Instant asOf, String method,
            UsageSummary.Counters observed, Projected projected) {}

    public static String env(String value) {
        if (value == null) {
            return Environment.LIVE.wireName();
        }
        return Environment.parse(value).map(Environment::wireName).orElseThrow(() -> ApiException.badRequest(
                "invalid_environment", "environment is test or live."));
    }
}
