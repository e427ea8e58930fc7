package io.accrue.subscription.hooks;

import java.time.Instant;
import java.util.UUID;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

@Entity
@Table(name = "webhook_attempts")
public class WebhookAttempt {

    @Id
    public UUID id;

    @Column(name = "delivery_id", nullable = false)
    public UUID deliveryId;

    @Column(nullable = false)
    public int attempt;

    @Column(nullable = false)
    public Instant at;

    @Column(name = "response_code")
    public Integer responseCode;

    @Column(name = "duration_ms", nullable = false)
    public long durationMs;

    public String error;
}
