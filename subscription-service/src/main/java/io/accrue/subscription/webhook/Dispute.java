package io.accrue.subscription.webhook;

import java.time.Instant;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

/** A card dispute (chargeback) as Stripe reports it; an open one closes the spend gate. */
@Entity
@Table(name = "disputes")
public class Dispute {

    @Id
    public String id;

    @Column(name = "org_id", nullable = false)
    public String orgId;

    @Column(nullable = false)
    public String status;

    @Column(nullable = false)
    public boolean open;

    public Long amount;

    @Column(columnDefinition = "bpchar")
    public String currency;

    public String reason;

    @Column(name = "opened_at", nullable = false)
    public Instant openedAt;

    @Column(name = "closed_at")
    public Instant closedAt;

    /** Created time of the newest event applied to this dispute (late events never roll it back). */
    @Column(name = "state_at", nullable = false)
    public Instant stateAt;
}
