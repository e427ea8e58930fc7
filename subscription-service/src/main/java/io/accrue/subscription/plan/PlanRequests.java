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

    /**
     * What a plan version entitles an organisation to (docs/entitlements.md): boolean {@code features}, the models
     * its end users may call ({@code allowedModels}, empty = any; enforced by usage-service's quota check), metered
     * {@code limits} per billing period keyed by meter, and {@code config} values. A name is in one of features,
     * limits and config at most. Versions stored before limits and config existed read them as empty.
     */
    public record Entitlements(
            @Size(max = 100) List<@NotBlank @Size(max = 64) @Pattern(regexp = NAME, message = NAME_RULE) String> features,
            @Size(max = 100) List<@NotBlank @Size(max = 128) String> allowedModels,
            @Size(max = 20) Map<@Size(max = 64) String, @NotNull @PositiveOrZero Long> limits,
            @Size(max = 50) Map<@Size(max = 64) @Pattern(regexp = NAME, message = NAME_RULE) String, @NotNull @Size(max = 255) String> config) {

        public Entitlements {
            features = features == null ? List.of() : List.copyOf(features);
            allowedModels = allowedModels == null ? List.of() : List.copyOf(allowedModels);
            limits = limits == null ? Map.of() : new java.util.TreeMap<>(limits);
            config = config == null ? Map.of() : new java.util.TreeMap<>(config);
        }

        public static Entitlements none() {
            return new Entitlements(null, null, null, null);
        }
    }

    static final String NAME = "[a-z0-9][a-z0-9_.-]*";
    static final String NAME_RULE = "must be lower-case letters, digits, '_', '.' or '-'";

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
