package io.accrue.invoice.correction;

import java.math.BigDecimal;
import java.time.Instant;
import java.util.UUID;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

/**
 * One correction of an invoiced period whose timeline changed after it was invoiced: a reduction (credit note, or
 * kept as minimum top-ups) or an increase ({@code baseFeeReduction < 0}: a supplementary invoice, net of the minimum
 * top-ups it lowers).
 */
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

    /**
     * What the base fee no longer owes; {@link #amount} is what was credited of it, the rest topped minimums up.
     * Negative for an increase: the base fee owes that much more.
     */
    @Column(name = "base_fee_reduction", nullable = false)
    public BigDecimal baseFeeReduction;

    /** Positive: what the credit note gave back. */
    @Column(nullable = false)
    public BigDecimal amount;

    /** An increase: what the supplementary invoice charged of it (the rest lowered minimum top-ups). */
    @Column(nullable = false)
    public BigDecimal debited = BigDecimal.ZERO;

    @Column(name = "supplementary_invoice_id")
    public UUID supplementaryInvoiceId;

    /** An increase: sha-256 of the ids of the late events that caused it (one increase per invoice and events). */
    @Column(name = "events_key")
    public String eventsKey;

    /** The late timeline events that caused it, for the reader of the credit note. */
    @Column(nullable = false)
    public String basis;

    @Column(name = "created_at", nullable = false)
    public Instant createdAt;
}
