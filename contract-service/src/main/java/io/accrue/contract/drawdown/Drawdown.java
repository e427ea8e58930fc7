package io.accrue.contract.drawdown;

import java.math.BigDecimal;
import java.time.Instant;
import java.util.UUID;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

/** One invoice's consumption attributed to a contract. Never updated. */
@Entity
@Table(name = "drawdowns")
public class Drawdown {

    @Id
    public UUID id;

    @Column(name = "contract_id", nullable = false)
    public UUID contractId;

    @Column(name = "org_id", nullable = false)
    public String orgId;

    @Column(name = "invoice_id", nullable = false)
    public String invoiceId;

    @Column(name = "period_start", nullable = false)
    public Instant periodStart;

    @Column(name = "period_end", nullable = false)
    public Instant periodEnd;

    @Column(name = "window_start", nullable = false)
    public Instant windowStart;

    @Column(nullable = false, columnDefinition = "bpchar")
    public String currency;

    @Column(nullable = false, precision = 24, scale = 12)
    public BigDecimal amount;

    @Column(name = "credits_applied", nullable = false, precision = 24, scale = 12)
    public BigDecimal creditsApplied;

    /** Recorded after its commitment period was trued up: not part of that settlement. */
    @Column(name = "after_true_up", nullable = false)
    public boolean afterTrueUp;

    /** The credit reservation this drawdown consumed, if the close made one. */
    public String reservation;

    @Column(name = "recorded_at", nullable = false)
    public Instant recordedAt;

    @Column(name = "recorded_by", nullable = false)
    public String recordedBy;
}
