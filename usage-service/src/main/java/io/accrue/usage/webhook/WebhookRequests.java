package io.accrue.usage.webhook;

import java.time.Instant;
import java.util.List;
import java.util.UUID;

import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.Size;

public final class WebhookRequests {

    private WebhookRequests() {
    }

    /** The event types an endpoint receives (all of them: there is one so far). */
    public static final List<String> EVENT_TYPES = List.of(WebhookOutbox.BUDGET_THRESHOLD_REACHED);

    public record EndpointRequest(@NotBlank @Size(max = 2000) String url, @Size(max = 500) String description) {}

    /** An endpoint as listed: never its secret. */
    public record EndpointView(UUID id, String url, String description, List<String> events, Instant createdAt) {
        static EndpointView of(WebhookEndpoint e) {
            return new EndpointView(e.id, e.url, e.description, EVENT_TYPES, e.createdAt);
        }
    }

    /** The answer to a registration, the only time the signing secret is shown. */
    public record CreatedEndpoint(UUID id, String url, String description, List<String> events, Instant createdAt,
            String secret, String header, String signs) {}

    /** One delivery of an event to one endpoint. */
    public record DeliveryView(UUID endpointId, String status, int attempts, String lastError, Instant deliveredAt,
            Instant nextAttemptAt) {}
}
