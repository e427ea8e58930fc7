package io.accrue.subscription.notify;

import java.time.Instant;
import java.util.UUID;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

@Entity
@Table(name = "notification_outbox")
public class OutboundNotification {

    @Id
    public UUID id;

    @Column(name = "org_id", nullable = false)
    public String orgId;

    @Column(nullable = false)
    public String url;

    @Column(nullable = false)
    public String payload;

    @Column(name = "created_at", nullable = false)
    public Instant createdAt;

    @Column(nullable = false)
    public int attempts;

    @Column(name = "next_attempt_at", nullable = false)
    public Instant nextAttemptAt;

    @Column(name = "delivered_at")
    public Instant deliveredAt;

    @Column(name = "last_error")
    public String lastError;
}
