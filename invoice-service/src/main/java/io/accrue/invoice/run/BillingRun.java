package io.accrue.invoice.run;

import java.time.Instant;
import java.util.UUID;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

/** One period-close run: planning (listing accounts) → running → completed | completed_with_failures. */
@Entity
@Table(name = "billing_runs")
public class BillingRun {

    @Id
    public UUID id;

    @Column(name = "as_of", nullable = false)
    public Instant asOf;

    @Column(nullable = false)
    public RunStatus status;

    @Column(name = "requested_by", nullable = false)
    public String requestedBy;

    @Column(name = "created_at", nullable = false)
    public Instant createdAt;

    @Column(name = "planned_at")
    public Instant plannedAt;

    @Column(name = "finished_at")
    public Instant finishedAt;

    @Column(name = "last_error")
    public String lastError;
}
