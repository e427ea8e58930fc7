package io.accrue.subscription.apikey;

import java.time.Instant;
import java.util.UUID;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

/** One API key of an organisation; the key itself is never stored, only {@link #keyHash}. */
@Entity
@Table(name = "api_keys")
public class ApiKey {

    @Id
    public UUID id;

    @Column(name = "org_id", nullable = false)
    public String orgId;

    @Column(nullable = false)
    public String name;

    @Column(nullable = false)
    public String environment;

    @Column(nullable = false)
    public String role;

    @Column(name = "key_hash", nullable = false)
    public String keyHash;

    @Column(nullable = false)
    public String hint;

    @Column(name = "created_by", nullable = false)
    public String createdBy;

    @Column(name = "created_at", nullable = false)
    public Instant createdAt;

    @Column(name = "expires_at")
    public Instant expiresAt;

    @Column(name = "last_used_at")
    public Instant lastUsedAt;

    @Column(name = "revoked_at")
    public Instant revokedAt;

    @Column(name = "revoked_by")
    public String revokedBy;

    @Column(name = "rotated_from")
    public UUID rotatedFrom;

    @Column(name = "replaced_by")
    public UUID replacedBy;

    /** Valid at {@code now}: not revoked and not past its expiry (or its rotation's overlap). */
    boolean validAt(Instant now) {
        return revokedAt == null && (expiresAt == null || expiresAt.isAfter(now));
    }
}
