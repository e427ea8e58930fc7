package io.accrue.subscription.webhook;

import java.time.Instant;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

/** A Stripe event as received, with its processing state. */
@Entity
@Table(name = "stripe_events")
public class StripeEventRecord {

    @Id
    public String id;

    @Column(nullable = false)
    public String type;

    @Column(nullable = false)
    public Instant created;

    @Column(nullable = false)
    public String payload;

    @Column(name = "received_at", nullable = false)
    public Instant receivedAt;

    @Column(name = "processed_at")
    public Instant processedAt;

    @Column(nullable = false)
    public int attempts;

    @Column(name = "next_attempt_at", nullable = false)
    public Instant nextAttemptAt;

    @Column(name = "last_error")
    public String lastError;

    public String outcome;
}
