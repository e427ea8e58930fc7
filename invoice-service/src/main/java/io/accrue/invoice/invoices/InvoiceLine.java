package io.accrue.invoice.invoices;

import java.math.BigDecimal;
import java.time.Instant;
import java.time.LocalDate;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

import org.hibernate.annotations.JdbcTypeCode;
import org.hibernate.type.SqlTypes;

/** One line of an invoice: its amount is already rounded, once, to the currency's minor unit. */
@Entity
@Table(name = "invoice_lines")
public class InvoiceLine {

    @Id
    public UUID id;

    @Column(name = "invoice_id", nullable = false)
    public UUID invoiceId;

    @Column(nullable = false)
    public int position;

    /** What the line charges for: base_fee, overage, llm_usage, agent_sessions, credit, … */
    @Column(nullable = false)
    public String type;

    @Column(nullable = false)
    public String description;

    public String meter;

    public String model;

    @Column(nullable = false)
    public BigDecimal quantity;

    @Column(name = "unit_amount")
    public BigDecimal unitAmount;

    @Column(nullable = false)
    public BigDecimal amount;

    /** On a credit note: the position of the original invoice's line this line refunds. */
    @Column(name = "credits_position")
    public Integer creditsPosition;

    /** The service period the line charges: the invoice's own, or an earlier one for late usage. */
    @Column(name = "period_start", nullable = false)
    public Instant periodStart;

    @Column(name = "period_end", nullable = false)
    public Instant periodEnd;

    /** A line converted from another currency: that currency (null for every other line). */
    @Column(name = "fx_from_currency")
    public String fxFromCurrency;

    /** The exact amount before conversion, in {@link #fxFromCurrency} (null on a late-usage line: it is mixed). */
    @Column(name = "fx_original_amount")
    public BigDecimal fxOriginalAmount;

    /** 1 {@link #fxFromCurrency} = this many units of the invoice currency. */
    @Column(name = "fx_rate")
    public BigDecimal fxRate;

    @Column(name = "fx_rate_date")
    public LocalDate fxRateDate;

    @Column(name = "fx_source")
    public String fxSource;

    /**
     * A cost-plus line's priced dimensions ({@code ComputedLine.LineDimension} as decimal strings: dimension, kind,
     * quantity, cost, amount); empty for every other line.
     */
    @JdbcTypeCode(SqlTypes.JSON)
    @Column(name = "dimensions", nullable = false)
    public List<Map<String, String>> dimensions = List.of();
}
