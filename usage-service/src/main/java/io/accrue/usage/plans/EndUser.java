package io.accrue.usage.plans;

import java.io.Serializable;
import java.time.Instant;
import java.util.UUID;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.IdClass;
import jakarta.persistence.Table;

/** An end user of an organisation's product, created on first sight by ingestion or a quota check. */
@Entity
@Table(name = "end_users")
@IdClass(EndUser.Key.class)
public class EndUser {

    public record Key(String orgId, String endUserId) implements Serializable {
        public Key() {
            this(null, null);
        }
    }

    @Id
    @Column(name = "org_id")
    public String orgId;
    @Id
    @Column(name = "end_user_id")
    public String endUserId;
    /** Null: the organisation's default plan. */
    @Column(name = "rate_plan_id")
    public UUID ratePlanId;
    @Column(nullable = false)
    public boolean blocked;
    @Column(name = "blocked_reason")
    public String blockedReason;
    @Column(name = "created_at", nullable = false)
    public Instant createdAt;
}
