package io.accrue.subscription.webhook;

import java.time.Clock;
import java.time.Instant;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.transaction.Transactional;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.accrue.common.error.ApiException;

/** Stores verified events once per event id; processing happens later, off the request. */
@ApplicationScoped
public class WebhookInbox {

    static final ObjectMapper JSON = new ObjectMapper();

    private final StripeEventRepository events;
    private final Clock clock;

    WebhookInbox(StripeEventRepository events, Clock clock) {
        this.events = events;
        this.clock = clock;
    }

    @Transactional
    public WebhookResource.Received store(String payload) {
        JsonNode event;
        try {
            event = JSON.readTree(payload);
        } catch (Exception e) {
            throw ApiException.badRequest("malformed_event", "The event body is not JSON.");
        }
        String id = event.path("id").asText("");
        String type = event.path("type").asText("");
        if (!id.startsWith("evt_") || type.isEmpty() || !event.path("created").canConvertToLong()) {
            throw ApiException.badRequest("malformed_event", "The event lacks id, type or created.");
        }
        Instant now = clock.instant();
        // ON CONFLICT: a replay (or Stripe's own retry) of a stored event is acknowledged and ignored
        boolean stored = events.storeOnce(id, type, Instant.ofEpochSecond(event.path("created").asLong()), payload,
                now);
        return new WebhookResource.Received(id, !stored);
    }
}
