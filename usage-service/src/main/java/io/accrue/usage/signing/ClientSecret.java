package io.accrue.usage.signing;

import java.time.Instant;
import java.util.UUID;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

/** A client credential's HMAC key for signing usage events. */
@Entity
@Table(name = "client_signing_secrets")
public class ClientSecret {

    @Id
    public UUID id;
    @Column(name = "org_id", nullable = false)
    public String orgId;
    /** The token's {@code azp} (OIDC client id), or its subject when it has none. */
    @Column(name = "client_id", nullable = false)
    public String clientId;
    @Column(nullable = false)
    public String secret;
    /** The last four characters, to tell two secrets apart without showing them. */
    @Column(nullable = false)
    public String hint;
    @Column(name = "created_at", nullable = false)
    public Instant createdAt;
    @Column(name = "created_by", nullable = false)
    public String createdBy;
}
