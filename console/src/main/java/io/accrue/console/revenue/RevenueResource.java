package io.accrue.console.revenue;

import static io.accrue.console.api.ServiceApi.seg;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;

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
import io.accrue.console.usage.BarChart;
import io.accrue.console.usage.UsageReader;
import io.accrue.console.usage.UsageResource;
import io.quarkus.qute.Location;
import io.quarkus.qute.Template;
import io.quarkus.qute.TemplateInstance;

/**
 * Revenue for the current period: what end users were charged, what the providers cost, the margin between them, a
 * daily trend and the top end users, all from usage-service's summaries (revenue and cost as it rated them).
 */
@Path("/revenue")
@Produces(MediaType.TEXT_HTML)
@RolesAllowed({Viewer.PLATFORM_OPERATOR, Viewer.OWNER, Viewer.BILLING_ADMIN})
public class RevenueResource {

    private final Pages pages;
    private final ServiceApi api;
    private final UsageReader reader;
    private final Template revenue;
    private final Clock clock;

    public RevenueResource(Pages pages, ServiceApi api, UsageReader reader,
            @Location("revenue.html") Template revenue, Clock clock) {
        this.pages = pages;
        this.api = api;
        this.reader = reader;
        this.revenue = revenue;
        this.clock = clock;
    }

    /** Revenue, provider cost and margin (revenue − cost, and its share of revenue). */
    public record Margin(String revenue, String cost, String margin, String marginPercent) {

        public static Margin of(BigDecimal revenue, BigDecimal cost) {
            if (revenue == null || cost == null) {
                return null;
            }
            BigDecimal margin = revenue.subtract(cost);
            String percent = revenue.signum() == 0
                    ? null
                    : margin.multiply(BigDecimal.valueOf(100)).divide(revenue, 1, RoundingMode.HALF_UP)
                            .toPlainString();
            return new Margin(revenue.toPlainString(), cost.toPlainString(), margin.toPlainString(), percent);
        }
    }

    @GET
    public TemplateInstance show(@QueryParam("org") String org, @QueryParam("environment") String environment) {
        pages.requireManager();
        String env = "test".equals(environment) ? "test" : "live";
        Chrome chrome = pages.chrome(org, "revenue", "Revenue");
        TemplateInstance page = revenue.data("chrome", chrome).data("environment", env);
        if (chrome.org() == null) {
            return page.data("summary", null).data("margin", null).data("chart", null).data("top", null)
                    .data("period", null);
        }
        Instant now = clock.instant();
        ApiResult status = api.get(Service.SUBSCRIPTION, "/v1/accounts/" + seg(chrome.org()) + "/status");
        var zone = Formats.zoneOf(chrome.zone());
        UsageResource.Period period = UsageResource.period(status, zone, now);
        String path = "/v1/orgs/" + seg(chrome.org()) + "/usage/summary";
        ApiResult summary = api.get(Service.USAGE, path,
                Map.of("environment", env, "from", period.from().toString(), "to", period.to().toString()));
        Margin margin = null;
        BarChart chart = null;
        List<JsonNode> top = List.of();
        if (summary.ok()) {
            JsonNode totals = summary.body().path("totals");
            margin = Margin.of(Formats.decimal(totals.path("revenue").asText(null)),
                    Formats.decimal(totals.path("cost").asText(null)));
            chart = reader.daily(path, env, period, now, zone, chrome.currency(), "revenue");
            top = topEndUsers(summary.body().path("byEndUser"), 10);
        }
        return page.data("summary", summary).data("margin", margin).data("chart", chart).data("top", top)
                .data("period", period);
    }

    /** End users by revenue, highest first. */
    static List<JsonNode> topEndUsers(JsonNode byEndUser, int limit) {
        List<JsonNode> users = new ArrayList<>();
        byEndUser.forEach(users::add);
        users.sort(Comparator.comparing((JsonNode u) -> {
            BigDecimal r = Formats.decimal(u.path("revenue").asText(null));
            return r == null ? BigDecimal.ZERO : r;
        }).reversed());
        return users.subList(0, Math.min(limit, users.size()));
    }
}
