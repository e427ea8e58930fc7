package io.accrue.subscription.audit;

import java.time.Instant;
import java.util.UUID;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

import org.hibernate.annotations.Generated;

@Entity
@Table(name = "audit_log")
public class AuditEntry {

    @Id
    public UUID id;

    @Generated
    @Column(insertable = false, updatable = false)
    public Long seq;

    @Column(name = "org_id", nullable = false)
    public String orgId;

    @Column(nullable = false)
    public String actor;

    @Column(nullable = false)
    public String action;

    @Column(nullable = false)
    public String target;

    @Column(name = "before_state")
    public String before;

    @Column(name = "after_state")
    public String after;

    @Column(nullable = false)
    public Instant at;
}
