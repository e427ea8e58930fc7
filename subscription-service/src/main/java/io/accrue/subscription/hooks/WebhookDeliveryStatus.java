package io.accrue.subscription.hooks;

import jakarta.persistence.Converter;

import io.accrue.common.state.WireColumn;
import io.accrue.common.state.WireValue;

/**
 * A delivery of one event to one endpoint: pending until the endpoint answered 2xx ({@code delivered}), its retry
 * window ended ({@code failed}), or its endpoint was disabled or deleted ({@code canceled}). A replay is a new
 * delivery, so no final state moves again.
 */
public enum WebhookDeliveryStatus implements WireValue {
    PENDING, DELIVERED, FAILED, CANCELED;

    /** Only a pending delivery moves; delivered, failed and canceled are final. */
    public boolean mayMoveTo(WebhookDeliveryStatus next) {
        return this == PENDING && next != PENDING;
    }

    /** The refusal of a move that is not allowed: the sender checks the row is pending first, so this is a bug. */
    public void requireMayMoveTo(WebhookDeliveryStatus next) {
        if (!mayMoveTo(next)) {
            throw new IllegalStateException("a webhook delivery may not move from " + wire() + " to " + next.wire());
        }
    }

    @Converter(autoApply = true)
    public static class Column extends WireColumn<WebhookDeliveryStatus> {
        public Column() {
            super(WebhookDeliveryStatus.class);
        }
    }
}
