package io.accrue.invoice.report;

import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;

import jakarta.annotation.security.RolesAllowed;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;

import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

import io.accrue.common.error.ApiException;
import io.accrue.common.security.Roles;
import io.accrue.invoice.client.NeighbourUnavailable;
import io.accrue.invoice.client.UsageClient;
import io.accrue.invoice.client.UsageRecords.Summary;
import io.accrue.invoice.report.RevenueReport.Day;
import io.accrue.invoice.report.RevenueReport.EndUserInput;
import io.accrue.invoice.report.RevenueReport.Report;

@Path("/v1/orgs/{orgId}/revenue-report")
@Tag(name = "Revenue report")
public class RevenueReportResource {

    static final long MAX_DAYS = 93;

    private final UsageClient usageClient;

    RevenueReportResource(UsageClient usageClient) {
        this.usageClient = usageClient;
    }

    @GET
    @Produces(MediaType.APPLICATION_JSON)
    @RolesAllowed({Roles.PLATFORM_OPERATOR, Roles.OWNER, Roles.BILLING_ADMIN})
    @Operation(summary = "Revenue, provider cost and margin for [from, to): total, daily trend, top end users")
    public Report report(@PathParam("orgId") String orgId, @QueryParam("from") String fromText,
            @QueryParam("to") String toText, @QueryParam("top") Integer top) {
        Instant from = day("from", fromText);
        Instant to = day("to", toText);
        long days = Duration.between(from, to).toDays();
        if (!from.isBefore(to) || days > MAX_DAYS) {
            throw ApiException.unprocessable("report_range_invalid",
                    "from must be before to, both at midnight UTC, at most " + MAX_DAYS + " days apart.");
        }
        int n = top == null ? 10 : top;
        if (n < 1 || n > 100) {
            throw ApiException.badRequest("invalid_limit", "top must be between 1 and 100.");
        }
        try {
            Summary whole = usageClient.usage(orgId, from, to, null);
            String currency = whole.currency() == null ? "USD" : whole.currency();
            List<Day> daily = new ArrayList<>();
            for (Instant d = from; d.isBefore(to); d = d.plus(1, ChronoUnit.DAYS)) {
                Summary s = usageClient.usage(orgId, d, d.plus(1, ChronoUnit.DAYS), null);
                daily.add(new Day(d, d.plus(1, ChronoUnit.DAYS), RevenueReport.figures(
                        s.totals() == null ? null : s.totals().revenue(), s.totals() == null ? null : s.totals().cost(),
                        currency)));
            }
            List<EndUserInput> users = whole.byEndUser() == null
                    ? List.of()
                    : whole.byEndUser().stream()
                            .map(u -> new EndUserInput(u.endUserId(), u.totalTokens(), u.requests(), u.revenue(),
                                    u.cost()))
                            .toList();
            return new Report(orgId, from, to, currency, RevenueReport.figures(
                    whole.totals() == null ? null : whole.totals().revenue(),
                    whole.totals() == null ? null : whole.totals().cost(), currency), daily,
                    RevenueReport.top(users, n, currency));
        } catch (NeighbourUnavailable | org.eclipse.microprofile.faulttolerance.exceptions.FaultToleranceException e) {
            throw new ApiException(502, "neighbour_unavailable", "Bad gateway",
                    "usage-service could not answer just now; try again shortly.");
        }
    }

    private static Instant day(String name, String value) {
        if (value == null || value.isBlank()) {
            throw ApiException.badRequest("invalid_value", name + " is required (e.g. 2026-03-01T00:00:00Z).");
        }
        try {
            Instant i = Instant.parse(value);
            if (!i.truncatedTo(ChronoUnit.DAYS).equals(i)) {
                throw ApiException.unprocessable("report_range_invalid", name + " must be at midnight UTC.");
            }
            return i;
        } catch (DateTimeParseException e) {
            throw ApiException.badRequest("invalid_value", name + " must be an ISO-8601 instant.");
        }
    }
}
