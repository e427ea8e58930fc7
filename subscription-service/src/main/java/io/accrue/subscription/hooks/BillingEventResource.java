package io.accrue.subscription.hooks;

import java.time.Instant;
import java.util.Map;

import jakarta.annotation.security.RolesAllowed;
import jakarta.validation.Valid;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.Size;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.core.Response;

import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

import io.accrue.common.error.ApiException;
import io.accrue.common.security.Roles;

/**
 * How the other services publish billing events (usage-service's thresholds, invoice-service's invoices) into the
 * one delivery system: suite-internal ({@code billing-service}), idempotent on the event id, so a publisher's
 * outbox may send the same event again after a lost answer.
 */
@Path("/v1/billing-events")
@Tag(name = "Webhooks")
public class BillingEventResource {

    public record PublishRequest(@NotBlank @Size(max = 64) @Pattern(regexp = "[A-Za-z0-9_\\-]{1,64}") String id,
            @NotBlank @Size(max = 64) String orgId, @NotBlank @Size(max = 64) String type,
            @NotNull @Size(max = 40) String occurredAt, @NotNull @Size(max = 100) Map<String, Object> data) {}

    public record PublishedView(String id, String orgId, String type, Instant occurredAt, boolean created) {}

    private final BillingEvents events;

    BillingEventResource(BillingEvents events) {
        this.events = events;
    }

    @POST
    @RolesAllowed(Roles.BILLING_SERVICE)
    @Operation(summary = "Publish a billing event (201 stored, 200 when this id was published already)")
    public Response publish(@NotNull @Valid PublishRequest body) {
        if (!EventTypes.KNOWN.contains(body.type()) || EventTypes.TEST_PING.equals(body.type())) {
            throw ApiException.unprocessable("unknown_event_type", "'" + body.type() + "' is not an event type.");
        }
        Instant occurredAt;
        try {
            occurredAt = Instant.parse(body.occurredAt());
        } catch (java.time.format.DateTimeParseException e) {
            throw ApiException.badRequest("invalid_timestamp", "'occurredAt' is an ISO-8601 instant.");
        }
        BillingEvents.Published p = events.publish(body.id(), body.orgId(), body.type(), occurredAt, body.data());
        if (!p.created() && (!p.event().orgId.equals(body.orgId()) || !p.event().type.equals(body.type()))) {
            throw ApiException.conflict("billing_event_conflict",
                    "Event '" + body.id() + "' was published already with another organisation or type.");
        }
        BillingEvent e = p.event();
        return Response.status(p.created() ? 201 : 200)
                .entity(new PublishedView(e.id, e.orgId, e.type, e.occurredAt, p.created())).build();
    }
}
