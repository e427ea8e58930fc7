package io.accrue.contract.credits;

import java.math.BigDecimal;
import java.time.Instant;
import java.util.UUID;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

/** What a credit note gave back: credits to the balance, consumption to the commitment. Never updated. */
@Entity
@Table(name = "credit_returns")
public class CreditReturn {

    @Id
    public UUID id;

    @Column(name = "contract_id", nullable = false)
    public UUID contractId;

    @Column(name = "org_id", nullable = false)
    public String orgId;

    @Column(name = "credit_note_id", nullable = false)
    public String creditNoteId;

    @Column(name = "invoice_id", nullable = false)
    public String invoiceId;

    @Column(nullable = false, columnDefinition = "bpchar")
    public String currency;

    /** Credits given back to the prepaid balance (0 when the invoice applied none). */
    @Column(nullable = false, precision = 24, scale = 12)
    public BigDecimal amount;

    /** Commitment consumption the credited usage lines take back (0 when the note credited no usage). */
    @Column(nullable = false, precision = 24, scale = 12)
    public BigDecimal consumption = BigDecimal.ZERO;

    /** The commitment window the invoice's drawdown counted toward; set when {@link #consumption} is. */
    @Column(name = "window_start")
    public Instant windowStart;

    @Column(name = "recorded_at", nullable = false)
    public Instant recordedAt;

    @Column(name = "recorded_by", nullable = false)
    public String recordedBy;
}
