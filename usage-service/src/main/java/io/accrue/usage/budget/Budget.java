package io.accrue.usage.budget;

import java.math.BigDecimal;
import java.time.Instant;
import java.util.UUID;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

import org.hibernate.annotations.JdbcTypeCode;
import org.hibernate.type.SqlTypes;

/** A limit per billing period and the percentages of it that raise an alert. */
@Entity
@Table(name = "budgets")
public class Budget {

    @Id
    public UUID id;
    @Column(name = "org_id", nullable = false)
    public String orgId;
    @Column(nullable = false)
    public String slug;
    @Column(nullable = false)
    public String name;
    @Column(nullable = false)
    public String environment;
    /** {@code organisation}, {@code end_user} (the one in {@link #endUserId}) or {@code each_end_user}. */
    @Column(nullable = false)
    public String scope;
    @Column(name = "end_user_id")
    public String endUserId;
    /** {@code cost} (provider cost), {@code revenue} (what end users are charged) or {@code tokens}. */
    @Column(nullable = false)
    public String metric;
    @Column(precision = 30, scale = 12)
    public BigDecimal amount;
    @Column(columnDefinition = "bpchar")
    public String currency;
    @Column(name = "token_limit")
    public Long tokenLimit;
    @JdbcTypeCode(SqlTypes.ARRAY)
    @Column(nullable = false)
    public Integer[] thresholds;
    @Column(name = "created_at", nullable = false)
    public Instant createdAt;
    @Column(name = "updated_at", nullable = false)
    public Instant updatedAt;

    /** The limit in the metric's unit: an amount of money, or tokens. */
    public BigDecimal limit() {
        return amount != null ? amount : BigDecimal.valueOf(tokenLimit);
    }
}
