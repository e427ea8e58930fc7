package io.accrue.contract.trueup;

import java.math.BigDecimal;
import java.time.Instant;
import java.util.UUID;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

/** The settled outcome of one commitment window. Computed once; never updated. */
@Entity
@Table(name = "true_ups")
public class TrueUp {

    @Id
    public UUID id;

    @Column(name = "contract_id", nullable = false)
    public UUID contractId;

    @Column(name = "org_id", nullable = false)
    public String orgId;

    @Column(name = "window_start", nullable = false)
    public Instant windowStart;

    @Column(name = "window_end", nullable = false)
    public Instant windowEnd;

    @Column(nullable = false, columnDefinition = "bpchar")
    public String currency;

    @Column(nullable = false, precision = 24, scale = 12)
    public BigDecimal committed;

    @Column(nullable = false, precision = 24, scale = 12)
    public BigDecimal consumed;

    @Column(nullable = false, precision = 24, scale = 12)
    public BigDecimal shortfall;

    @Column(name = "computed_at", nullable = false)
    public Instant computedAt;

    @Column(name = "computed_by", nullable = false)
    public String computedBy;
}
