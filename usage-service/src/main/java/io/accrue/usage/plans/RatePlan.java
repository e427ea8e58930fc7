package io.accrue.usage.plans;

import java.math.BigDecimal;
import java.time.Instant;
import java.util.UUID;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

import org.hibernate.annotations.JdbcTypeCode;
import org.hibernate.type.SqlTypes;

import io.accrue.usage.rating.Rating;

/** What an end user may use (limits, models, enforcement) and how their provider cost becomes revenue. */
@Entity
@Table(name = "rate_plans")
public class RatePlan {

    @Id
    public UUID id;
    @Column(name = "org_id", nullable = false)
    public String orgId;
    @Column(nullable = false)
    public String slug;
    @Column(nullable = false)
    public String name;
    @Column(name = "is_default", nullable = false)
    public boolean isDefault;
    /** {@code markup} or {@code margin}. */
    @Column(nullable = false)
    public String pricing;
    @Column(name = "markup_percent", nullable = false, precision = 12, scale = 6)
    public BigDecimal markupPercent;
    @Column(name = "target_margin_percent", nullable = false, precision = 12, scale = 6)
    public BigDecimal targetMarginPercent;
    @Column(name = "fee_per_request", nullable = false, precision = 30, scale = 12)
    public BigDecimal feePerRequest;
    @Column(name = "daily_token_limit")
    public Long dailyTokenLimit;
    @Column(name = "monthly_token_limit")
    public Long monthlyTokenLimit;
    @Column(name = "daily_request_limit")
    public Long dailyRequestLimit;
    @Column(name = "monthly_cost_cap", precision = 30, scale = 12)
    public BigDecimal monthlyCostCap;
    @Column(name = "burst_per_minute")
    public Integer burstPerMinute;
    @JdbcTypeCode(SqlTypes.ARRAY)
    @Column(name = "allowed_models", nullable = false)
    public String[] allowedModels;
    @Column(nullable = false)
    public Enforcement enforcement;
    @Column(name = "created_at", nullable = false)
    public Instant createdAt;
    @Column(name = "updated_at", nullable = false)
    public Instant updatedAt;

    public Rating.Pricing ratingPricing() {
        return "margin".equals(pricing)
                ? Rating.TargetMargin.ofPercent(targetMarginPercent, feePerRequest)
                : Rating.Markup.ofPercent(markupPercent, feePerRequest);
    }
}
