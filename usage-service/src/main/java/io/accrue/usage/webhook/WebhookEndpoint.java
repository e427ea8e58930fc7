package io.accrue.usage.webhook;

import java.time.Instant;
import java.util.UUID;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

/** Where an organisation receives its alerts, with the key its deliveries are signed with. */
@Entity
@Table(name = "webhook_endpoints")
public class WebhookEndpoint {

    @Id
    public UUID id;
    @Column(name = "org_id", nullable = false)
    public String orgId;
    @Column(nullable = false)
    public String url;
    public String description;
    @Column(nullable = false)
    public String secret;
    @Column(name = "created_at", nullable = false)
    public Instant createdAt;
}
