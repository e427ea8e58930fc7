package io.accrue.usage.ingest;

import java.io.IOException;

import jakarta.annotation.security.RolesAllowed;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.parameters.RequestBody;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

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
    private final ObjectMapper mapper;

    UsageEventResource(IngestService service, Caller caller, UsageConfig config, ObjectMapper mapper) {
        this.service = service;
        this.mapper = mapper;
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
    @RequestBody(content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = JsonNode.class)))
    public Response post(byte[] body) throws IOException {
        String org = caller.requireOrganisation();
        Environment env = caller.requireEnvironment();
        // the bytes are read once, straight into per-event token buffers (EventBodies), not into a tree first
        EventBodies.Body events = EventBodies.read(mapper, body, config.ingest().maxBatch());
        if (events.batch()) {
            return Response.ok(EventResult.BatchResult.of(service.ingest(org, env, events.events()))).build();
        }
        EventResult r = service.ingest(org, env, events.events()).get(0);
        return switch (r.status()) {
            case EventResult.ACCEPTED -> Response.status(201).entity(r).build();
            case EventResult.DUPLICATE -> Response.ok(r).build();
            default -> Problems.toResponse(new ApiException(
                    "unknown_field".equals(r.code()) || "invalid_value".equals(r.code()) ? 400 : 422, r.code(),
                    "Usage event rejected", r.reason()));
        };
    }
}
