package io.accrue.invoice.run;

import java.time.Instant;
import java.util.UUID;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

/** The work of one account in a run: pending → done, or failed (retried with backoff) → abandoned. */
@Entity
@Table(name = "billing_run_items")
public class BillingRunItem {

    @Id
    public UUID id;

    @Column(name = "run_id", nullable = false)
    public UUID runId;

    @Column(name = "org_id", nullable = false)
    public String orgId;

    @Column(nullable = false)
    public RunItemStatus status;

    @Column(nullable = false)
    public int attempts;

    @Column(name = "next_attempt_at", nullable = false)
    public Instant nextAttemptAt;

    @Column(name = "last_error")
    public String lastError;

    @Column(name = "invoice_id")
    public UUID invoiceId;

    /** invoiced | already_invoiced | nothing_due, once done. */
    public String outcome;

    @Column(name = "updated_at", nullable = false)
    public Instant updatedAt;
}
