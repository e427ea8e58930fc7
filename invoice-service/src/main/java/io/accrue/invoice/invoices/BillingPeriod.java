package io.accrue.invoice.invoices;

import java.time.Instant;
import java.util.UUID;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

/**
 * One ended billing period of an organisation in the billed-through ledger: unbilled until its invoice is
 * committed (or an operator writes it off), with the instant up to which its usage has been invoiced.
 */
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

    @Column(nullable = false)
    public PeriodStatus status;

    /** Close attempts that failed. */
    @Column(nullable = false)
    public int attempts;

    /** Stable code of the last failure (docs/billing-rules.md, "Unbilled periods"). */
    public String cause;

    @Column(name = "last_error")
    public String lastError;

    @Column(name = "first_seen_at")
    public Instant firstSeenAt;

    @Column(name = "last_attempt_at")
    public Instant lastAttemptAt;

    /** When the retry job tries again; null while an operator must act (a neighbour refused the close). */
    @Column(name = "next_attempt_at")
    public Instant nextAttemptAt;

    @Column(name = "credit_reservation_contract_id")
    public String creditReservationContractId;

    @Column(name = "written_off_at")
    public Instant writtenOffAt;

    @Column(name = "written_off_by")
    public String writtenOffBy;

    @Column(name = "write_off_reason")
    public String writeOffReason;

    public PeriodStatus periodStatus() {
        return status;
    }
}
