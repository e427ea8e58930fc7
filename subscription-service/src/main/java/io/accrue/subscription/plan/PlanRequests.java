package io.accrue.subscription.plan;

import java.math.BigDecimal;
import java.time.Instant;
import java.util.List;
import java.util.Map;

import jakarta.validation.Valid;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotEmpty;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.Positive;
import jakarta.validation.constraints.PositiveOrZero;
import jakarta.validation.constraints.Size;

/** Records of the plan catalog API; the plan-version shape is the one of docs/internal-apis.md. */
public final class PlanRequests {

    private PlanRequests() {
    }

    public record Money(BigDecimal amount, String currency) {}

    public record Tier(@PositiveOrZero Long upTo, @NotNull @PositiveOrZero BigDecimal unitAmount) {}

    public record Overage(@NotBlank @Size(max = 64) String meter, @NotNull @Positive Long packageSize,
            @NotEmpty List<@Valid @NotNull Tier> tiers) {}

    public record Entitlements(@Size(max = 100) List<@Size(max = 64) String> features,
            @Size(max = 100) List<@Size(max = 128) String> allowedModels) {}

    /** A new plan (version 1) or the next version of an existing one; the slug comes from the path on change. */
    public record PlanDraft(
            @Size(max = 64) @Pattern(regexp = "[a-z0-9][a-z0-9_-]*", message = "must be lower-case letters, digits, '_' or '-'") String slug,
            @NotBlank @Size(max = 200) String name,
            @NotBlank @Size(max = 32) @Pattern(regexp = "free|starter|pro|business|enterprise") String tier,
            @NotBlank @Size(max = 32) @Pattern(regexp = "flat|pay_per_token|tiered|metered|enterprise") String billingModel,
            @NotBlank @Size(max = 8) @Pattern(regexp = "month|year") String interval,
            @NotEmpty Map<@Pattern(regexp = "[A-Z]{3}") String, @NotNull @PositiveOrZero BigDecimal> basePrices,
            Map<String, @NotNull @PositiveOrZero Long> allowances,
            List<@Valid @NotNull Overage> overage,
            @Valid Entitlements entitlements,
            Map<@Size(max = 64) String, @Size(max = 255) String> stripePriceIds) {}

    public record Archive(boolean archived) {}

    /**
     * A plan version. {@code basePrice} is in the requested currency (the account's when read for an account,
     * else the first configured); {@code basePrices} lists every currency.
     */
    public record PlanVersionView(String slug, int version, String name, String tier, String billingModel,
            String interval, Money basePrice, Map<String, BigDecimal> basePrices, Map<String, Long> allowances,
            List<Overage> overage, Entitlements entitlements, Map<String, String> stripePriceIds, boolean archived,
            Instant createdAt) {}
}
