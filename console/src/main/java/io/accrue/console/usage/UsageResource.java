package io.accrue.console.usage;

import static io.accrue.console.api.ServiceApi.seg;

import java.math.BigDecimal;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.time.temporal.ChronoUnit;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

import jakarta.annotation.security.RolesAllowed;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;

import com.fasterxml.jackson.databind.JsonNode;

import io.accrue.console.api.ApiResult;
import io.accrue.console.api.Service;
import io.accrue.console.api.ServiceApi;
import io.accrue.console.format.Formats;
import io.accrue.console.pages.Chrome;
import io.accrue.console.pages.Pages;
import io.accrue.console.session.Viewer;
import io.quarkus.qute.Location;
import io.quarkus.qute.Template;
import io.quarkus.qute.TemplateInstance;

/**
 * The usage dashboard: the current period against the plan's allowance, a projected end-of-period figure, a daily
 * chart, and breakdowns per model and per end user, for the test or live environment.
 */
@Path("/usage")
@Produces(MediaType.TEXT_HTML)
public class UsageResource {

    private final Pages pages;
    private final ServiceApi api;
    private final Template usage;
    private final Clock clock;
    private final UsageReader reader;

    public UsageResource(Pages pages, ServiceApi api, @Location("usage.html") Template usage, Clock clock,
            UsageReader reader) {
        this.reader = reader;
        this.pages = pages;
        this.api = api;
        this.usage = usage;
        this.clock = clock;
    }

    public record Period(Instant from, Instant to, boolean fromStatus) {}

    @GET
    @RolesAllowed({Viewer.PLATFORM_OPERATOR, Viewer.OWNER, Viewer.BILLING_ADMIN, Viewer.MEMBER})
    public TemplateInstance show(@QueryParam("org") String org, @QueryParam("environment") String environment) {
        String env = "test".equals(environment) ? "test" : "live";
        Chrome chrome = pages.chrome(org, "usage", "Usage");
        TemplateInstance page = usage.data("chrome", chrome).data("environment", env);
        if (chrome.org() == null) {
            return page.data("summary", null).data("period", null).data("chart", null).data("allowance", null)
                    .data("percent", null).data("overage", 0L).data("projected", null);
        }
        String account = "/v1/accounts/" + seg(chrome.org());
        CompletableFuture<ApiResult> statusCall = api.getAsync(Service.SUBSCRIPTION, account + "/status", Map.of());
        CompletableFuture<ApiResult> subscriptionCall = api.getAsync(Service.SUBSCRIPTION,
                account + "/subscription", Map.of());
        ApiResult status = statusCall.join();
        ZoneId zone = Formats.zoneOf(chrome.zone());
        Instant now = clock.instant();
        Period period = period(status, zone, now);

        String summaryPath = "/v1/orgs/" + seg(chrome.org()) + "/usage/summary";
        ApiResult summary = api.get(Service.USAGE, summaryPath,
                Map.of("environment", env, "from", period.from().toString(), "to", period.to().toString()));

        ApiResult subscription = subscriptionCall.join();
        Long allowance = null;
        if (subscription.ok()) {
            JsonNode a = subscription.body().path("plan").path("allowances").path("llm_tokens");
            allowance = a.isNumber() ? a.asLong() : null;
        }
        BarChart chart = null;
        BigDecimal projected = null;
        Integer percent = null;
        long overage = 0;
        if (summary.ok()) {
            JsonNode totals = summary.body().path("totals");
            percent = UsageMath.percentUsed(totals.path("totalTokens").asLong(0), allowance);
            overage = UsageMath.overage(totals.path("totalTokens").asLong(0), allowance);
            projected = UsageMath.projectAtPeriodEnd(Formats.decimal(totals.path("revenue").asText(null)),
                    period.from(), period.to(), now);
            chart = reader.daily(summaryPath, env, period, now, zone, chrome.currency(), "revenue");
        }
        return page.data("summary", summary).data("period", period).data("allowance", allowance)
                .data("percent", percent).data("overage", overage)
                .data("projected", projected == null ? null : projected.toPlainString())
                .data("chart", chart).data("status", status);
    }

    /** The account's current period from its status; without one, the calendar month in the account's zone. */
    public static Period period(ApiResult status, ZoneId zone, Instant now) {
        if (status.ok()) {
            Instant from = Formats.instant(status.body().path("currentPeriodStart").asText(null));
            Instant to = Formats.instant(status.body().path("currentPeriodEnd").asText(null));
            if (from != null && to != null && to.isAfter(from)) {
                return new Period(from, to, true);
            }
        }
        ZonedDateTime month = now.atZone(zone).truncatedTo(ChronoUnit.DAYS).withDayOfMonth(1);
        return new Period(month.toInstant(), month.plusMonths(1).toInstant(), false);
    }
}
