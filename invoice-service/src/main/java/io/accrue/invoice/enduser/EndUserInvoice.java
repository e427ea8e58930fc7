package io.accrue.invoice.enduser;

import java.math.BigDecimal;
import java.time.Instant;
import java.util.UUID;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

/** An invoice an organisation bills to one of its end users for a period. */
@Entity
@Table(name = "end_user_invoices")
public class EndUserInvoice {

    @Id
    public UUID id;

    @Column(name = "org_id", nullable = false)
    public String orgId;

    @Column(name = "end_user_id", nullable = false)
    public String endUserId;

    @Column(name = "period_start", nullable = false)
    public Instant periodStart;

    @Column(name = "period_end", nullable = false)
    public Instant periodEnd;

    @Column(nullable = false, columnDefinition = "bpchar")
    public String currency;

    @Column(name = "total_tokens", nullable = false)
    public long totalTokens;

    @Column(nullable = false)
    public long requests;

    @Column(name = "revenue_unrounded", nullable = false)
    public BigDecimal revenueUnrounded;

    @Column(nullable = false)
    public BigDecimal amount;

    @Column(name = "application_fee_percent", nullable = false)
    public BigDecimal applicationFeePercent;

    @Column(name = "application_fee", nullable = false)
    public BigDecimal applicationFee;

    @Column(nullable = false)
    public String delivery;

    @Column(name = "connected_account_id")
    public String connectedAccountId;

    @Column(nullable = false)
    public String status;

    @Column(name = "created_at", nullable = false)
    public Instant createdAt;
}
