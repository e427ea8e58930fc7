package io.accrue.invoice.invoices;

import java.time.Instant;
import java.util.UUID;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

/** A closed period of one organisation, and the instant up to which its usage has been invoiced. */
@Entity
@Table(name = "billing_periods")
public class BillingPeriod {

    @Id
    public UUID id;

    @Column(name = "org_id", nullable = false)
    public String orgId;

    @Column(name = "period_start", nullable = false)
    public Instant periodStart;

    @Column(name = "period_end", nullable = false)
    public Instant periodEnd;

    @Column(name = "closed_at")
    public Instant closedAt;

    @Column(name = "invoice_id")
    public UUID invoiceId;

    /** Usage recorded before this instant is on an invoice; anything recorded later is late usage. */
    @Column(name = "usage_recorded_before")
    public Instant usageRecordedBefore;
}
