package io.accrue.usage.events;

import java.time.Instant;
import java.util.Locale;

import jakarta.annotation.security.RolesAllowed;
import jakarta.validation.constraints.Size;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.StreamingOutput;

import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

import io.accrue.common.error.ApiException;
import io.accrue.common.paging.CursorPage;
import io.accrue.common.security.Roles;
import io.accrue.usage.events.UsageEventsService.Format;
import io.accrue.usage.summary.SummaryResource;

/** An organisation audits its charges down to the event: list and search its usage events, or export a period. */
@Path("/v1/orgs/{orgId}/usage/events")
@Tag(name = "Usage events")
public class UsageEventsResource {

    private final UsageEventsService service;

    UsageEventsResource(UsageEventsService service) {
        this.service = service;
    }

    @GET
    @RolesAllowed({Roles.PLATFORM_OPERATOR, Roles.OWNER, Roles.BILLING_ADMIN, Roles.MEMBER, Roles.BILLING_SERVICE})
    @Operation(summary = "Usage events of [from, to) by occurred_at, oldest first, with their price version, cost and revenue")
    public CursorPage<UsageEventView> list(@PathParam("orgId") String orgId,
            @QueryParam("environment") String environment, @QueryParam("from") Instant from,
            @QueryParam("to") Instant to, @QueryParam("endUserId") @Size(max = 128) String endUserId,
            @QueryParam("model") @Size(max = 128) String model, @QueryParam("eventId") @Size(max = 128) String eventId,
            @QueryParam("cursor") String cursor, @QueryParam("limit") Integer limit) {
        return service.page(query(orgId, environment, from, to, endUserId, model, eventId), cursor, limit);
    }

    @GET
    @Path("/export")
    @Produces({"text/csv", "application/x-ndjson"})
    @RolesAllowed({Roles.PLATFORM_OPERATOR, Roles.OWNER, Roles.BILLING_ADMIN, Roles.MEMBER, Roles.BILLING_SERVICE})
    @Operation(summary = "Every usage event of [from, to) as CSV or NDJSON, streamed")
    public Response export(@PathParam("orgId") String orgId, @QueryParam("environment") String environment,
            @QueryParam("from") Instant from, @QueryParam("to") Instant to,
            @QueryParam("endUserId") @Size(max = 128) String endUserId,
            @QueryParam("model") @Size(max = 128) String model, @QueryParam("format") String format) {
        UsageEventQuery query = query(orgId, environment, from, to, endUserId, model, null);
        Format f = format(format);
        StreamingOutput body = out -> service.export(query, f, out);
        String type = f == Format.CSV ? "text/csv; charset=utf-8" : "application/x-ndjson";
        String file = "usage-events-" + orgId.replaceAll("[^A-Za-z0-9_.-]", "_") + "-" + from.toString()
                .replace(':', '-') + (f == Format.CSV ? ".csv" : ".ndjson");
        return Response.ok(body, MediaType.valueOf(type))
                .header("Content-Disposition", "attachment; filename=\"" + file + "\"").build();
    }

    private static UsageEventQuery query(String orgId, String environment, Instant from, Instant to,
            String endUserId, String model, String eventId) {
        return new UsageEventQuery(orgId, SummaryResource.env(environment), from, to, blankToNull(endUserId),
                blankToNull(model),
                blankToNull(eventId));
    }

    private static Format format(String value) {
        if (value == null) {
            return Format.CSV;
        }
        return switch (value.toLowerCase(Locale.ROOT)) {
            case "csv" -> Format.CSV;
            case "ndjson" -> Format.NDJSON;
            default -> throw ApiException.badRequest("invalid_format", "format is csv or ndjson.");
        };
    }

    private static String blankToNull(String value) {
        return value == null || value.isBlank() ? null : value;
    }
}
