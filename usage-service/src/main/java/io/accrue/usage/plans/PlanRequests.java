package io.accrue.usage.plans;

import java.math.BigDecimal;
import java.time.Instant;
import java.util.List;
import java.util.UUID;

import jakarta.validation.constraints.DecimalMax;
import jakarta.validation.constraints.DecimalMin;
import jakarta.validation.constraints.Digits;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.Size;

public final class PlanRequests {

    private PlanRequests() {
    }

    /**
     * A rate plan. {@code pricing} is {@code markup} (revenue = cost × (1 + markupPercent/100) + feePerRequest) or
     * {@code margin} (revenue = cost / (1 − targetMarginPercent/100) + feePerRequest). Limits are optional.
     */
    public record RatePlanRequest(
            @NotBlank @Size(max = 64) @Pattern(regexp = "[a-z0-9][a-z0-9_-]*", message = "must be a lower-case slug") String slug,
            @NotBlank @Size(max = 200) String name,
            @NotNull @Size(max = 8) @Pattern(regexp = "markup|margin", message = "must be markup or margin") String pricing,
            @DecimalMin("0") @Digits(integer = 6, fraction = 6) BigDecimal markupPercent,
            @DecimalMin("0") @DecimalMax(value = "100", inclusive = false) @Digits(integer = 3, fraction = 6) BigDecimal targetMarginPercent,
            @DecimalMin("0") @Digits(integer = 18, fraction = 12) BigDecimal feePerRequest,
            @Min(0) Long dailyTokenLimit,
            @Min(0) Long monthlyTokenLimit,
            @Min(0) Long dailyRequestLimit,
            @DecimalMin("0") @Digits(integer = 18, fraction = 12) BigDecimal monthlyCostCap,
            @Min(0) Integer burstPerMinute,
            @Size(max = 100) List<@NotBlank @Size(max = 128) String> allowedModels,
            @NotNull @Size(max = 8) @Pattern(regexp = "block|alert", message = "must be block or alert") String enforcement,
            Boolean isDefault) {}

    public record RatePlanView(UUID id, String slug, String name, boolean isDefault, String pricing,
            BigDecimal markupPercent, BigDecimal targetMarginPercent, BigDecimal feePerRequest, Long dailyTokenLimit,
            Long monthlyTokenLimit, Long dailyRequestLimit, BigDecimal monthlyCostCap, Integer burstPerMinute,
            List<String> allowedModels, String enforcement, Instant createdAt) {
        public static RatePlanView of(RatePlan p) {
            return new RatePlanView(p.id, p.slug, p.name, p.isDefault, p.pricing, p.markupPercent,
                    p.targetMarginPercent, p.feePerRequest, p.dailyTokenLimit, p.monthlyTokenLimit,
                    p.dailyRequestLimit, p.monthlyCostCap, p.burstPerMinute, List.of(p.allowedModels),
                    p.enforcement.wire(),
                    p.createdAt);
        }
    }

    public record EndUserView(String endUserId, String planSlug, boolean blocked, String blockedReason,
            Instant createdAt) {}

    public record ChangePlan(@NotBlank @Size(max = 64) String planSlug) {}

    public record Block(@Size(max = 500) String reason) {}
}
