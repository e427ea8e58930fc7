package io.accrue.usage.pricing;

import java.time.Instant;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

/** A priced model under its canonical id; gateways' spellings are {@link ModelAlias}es. */
@Entity
@Table(name = "models")
public class Model {

    @Id
    public String id;

    @Column(name = "provider_id", nullable = false)
    public String providerId;

    @Column(name = "display_name", nullable = false)
    public String displayName;

    /** The key LiteLLM's file gives the model (case kept), when it came from there. */
    @Column(name = "litellm_key")
    public String litellmKey;

    /** LiteLLM's {@code mode} (chat, embedding, image_generation…), when imported. */
    @Column(name = "mode")
    public String mode;

    @Column(name = "created_at", nullable = false)
    public Instant createdAt;
}
