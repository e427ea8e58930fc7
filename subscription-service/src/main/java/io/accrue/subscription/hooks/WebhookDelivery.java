package io.accrue.subscription.hooks;

import java.time.Instant;
import java.util.UUID;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

@Entity
@Table(name = "webhook_deliveries")
public class WebhookDelivery {

    @Id
    public UUID id;

    @Column(insertable = false, updatable = false)
    public Long seq;

    @Column(name = "event_id", nullable = false)
    public String eventId;

    @Column(name = "endpoint_id", nullable = false)
    public UUID endpointId;

    @Column(name = "org_id", nullable = false)
    public String orgId;

    @Column(nullable = false)
    public WebhookDeliveryStatus status;

    @Column(nullable = false)
    public int attempts;

    @Column(name = "next_attempt_at", nullable = false)
    public Instant nextAttemptAt;

    @Column(name = "give_up_at", nullable = false)
    public Instant giveUpAt;

    @Column(name = "created_at", nullable = false)
    public Instant createdAt;

    @Column(name = "delivered_at")
    public Instant deliveredAt;

    @Column(name = "last_status")
    public Integer lastStatus;

    @Column(name = "last_error")
    public String lastError;

    /** Moves a pending delivery to where it ended. */
    void moveTo(WebhookDeliveryStatus next) {
        status.requireMayMoveTo(next);
        status = next;
    }
}
