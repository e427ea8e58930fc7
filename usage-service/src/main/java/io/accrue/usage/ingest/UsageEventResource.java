package io.accrue.usage.ingest;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;

import jakarta.annotation.security.RolesAllowed;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

import com.fasterxml.jackson.databind.JsonNode;

import io.accrue.common.error.ApiException;
import io.accrue.common.error.Problems;
import io.accrue.common.security.Caller;
import io.accrue.common.security.Environment;
import io.accrue.common.security.Roles;
import io.accrue.usage.config.UsageConfig;

/**
 * Usage events from a gateway. The organisation comes from the token and the environment from the credential's
 * {@code environment} claim, never from the body.
 */
@Path("/v1/usage-events")
@Tag(name = "Usage events")
public class UsageEventResource {

    private final IngestService service;
    private final Caller caller;
    private final UsageConfig config;

    UsageEventResource(IngestService service, Caller caller, UsageConfig config) {
        this.service = service;
        this.caller = caller;
        this.config = config;
    }

    /**
     * One event (an object) answers 201 accepted, 200 duplicate, or a problem; a batch ({@code {"events": [...]}},
     * up to 1,000) answers 200 with one result per event.
     */
    @POST
    @Consumes(MediaType.APPLICATION_JSON)
    @RolesAllowed(Roles.USAGE_REPORTER)
    @Operation(summary = "Record one usage event or a batch of up to 1,000")
    public Response post(JsonNode body) {
        String org = caller.requireOrganisation();
        Environment env = caller.requireEnvironment();
        if (body == null || !body.isObject()) {
            throw ApiException.badRequest("bad_request", "Send one event object or {\"events\": [...]}.");
        }
        if (body.has("events")) {
            return Response.ok(EventResult.BatchResult.of(service.ingest(org, env, batch(body)))).build();
        }
        EventResult r = service.ingest(org, env, List.of(body)).get(0);
        return switch (r.status()) {
            case EventResult.ACCEPTED -> Response.status(201).entity(r).build();
            case EventResult.DUPLICATE -> Response.ok(r).build();
            default -> Problems.toResponse(new ApiException(
                    "unknown_field".equals(r.code()) || "invalid_value".equals(r.code()) ? 400 : 422, r.code(),
                    "Usage event rejected", r.reason()));
        };
    }

    private List<JsonNode> batch(JsonNode body) {
        for (Iterator<String> it = body.fieldNames(); it.hasNext();) {
            String f = it.next();
            if (!"events".equals(f)) {
                throw new ApiException(400, "unknown_field", "Unknown field",
                        "Field '" + f + "' is not part of a batch; unknown fields are rejected.");
            }
        }
        JsonNode events = body.get("events");
        if (!events.isArray() || events.isEmpty()) {
            throw ApiException.unprocessable("batch_empty", "events must be a non-empty array.");
        }
        if (events.size() > config.ingest().maxBatch()) {
            throw ApiException.unprocessable("batch_too_large",
                    "A batch holds at most " + config.ingest().maxBatch() + " events; this one has " + events.size()
                            + ".");
        }
        List<JsonNode> out = new ArrayList<>(events.size());
        events.forEach(out::add);
        return out;
    }
}
