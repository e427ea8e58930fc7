package io.accrue.subscription.hooks;

import java.util.List;

import jakarta.annotation.security.RolesAllowed;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;

import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

import io.accrue.common.security.Roles;

/**
 * The event types an endpoint can subscribe to, so a form (the console's) offers exactly what registration accepts
 * instead of a copy of the list that drifts.
 */
@Path("/v1/webhook-event-types")
@Tag(name = "Webhooks")
public class WebhookEventTypeResource {

    public record EventTypeList(List<String> items) {}

    @GET
    @RolesAllowed({Roles.OWNER, Roles.BILLING_ADMIN, Roles.PLATFORM_OPERATOR})
    @Operation(summary = "The billing event types an endpoint can subscribe to (besides \"*\" for all)")
    public EventTypeList list() {
        return new EventTypeList(
                EventTypes.KNOWN.stream().filter(t -> !t.equals(EventTypes.TEST_PING)).sorted().toList());
    }
}
