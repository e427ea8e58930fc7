package io.accrue.invoice.correction;

import java.math.BigDecimal;
import java.time.Instant;
import java.util.UUID;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

/** A credit note issued because the timeline changed after its invoice's period was invoiced. */
@Entity
@Table(name = "timeline_corrections")
public class TimelineCorrectionEntry {

    @Id
    public UUID id;

    @Column(name = "org_id", nullable = false)
    public String orgId;

    @Column(name = "invoice_id", nullable = false)
    public UUID invoiceId;

    /** The correcting credit note; none when minimum top-ups absorbed the whole base-fee reduction. */
    @Column(name = "credit_note_id")
    public UUID creditNoteId;

    /** What the base fee no longer owes; {@link #amount} is what was credited of it, the rest topped minimums up. */
    @Column(name = "base_fee_reduction", nullable = false)
    public BigDecimal baseFeeReduction;

    /** Positive: what the credit note gave back. */
    @Column(nullable = false)
    public BigDecimal amount;

    /** The late timeline events that caused it, for the reader of the credit note. */
    @Column(nullable = false)
    public String basis;

    @Column(name = "created_at", nullable = false)
    public Instant createdAt;
}
