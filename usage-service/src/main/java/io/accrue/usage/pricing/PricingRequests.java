package io.accrue.usage.pricing;

import java.math.BigDecimal;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import jakarta.validation.constraints.DecimalMin;
import jakarta.validation.constraints.Digits;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.Size;

/** Request and response records of the pricing-catalog API. */
public final class PricingRequests {

    static final String ID = "[a-z0-9][a-z0-9_.:/@-]*";
    static final String ID_MESSAGE = "must be lower-case letters, digits, '_', '.', ':', '/', '@' or '-'";

    private PricingRequests() {
    }

    public record CreateProvider(
            @NotBlank @Size(max = 64) @Pattern(regexp = "[a-z0-9][a-z0-9_.-]*", message = ID_MESSAGE) String id,
            @NotBlank @Size(max = 200) String name) {}

    public record ProviderView(String id, String name, Instant createdAt) {
        static ProviderView of(Provider p) {
            return new ProviderView(p.id, p.name, p.createdAt);
        }
    }

    public record CreateModel(
            @NotBlank @Size(max = 128) @Pattern(regexp = ID, message = ID_MESSAGE) String id,
            @NotBlank @Size(max = 64) String provider,
            @NotBlank @Size(max = 200) String displayName,
            @Size(max = 50) List<@NotBlank @Size(max = 128) @Pattern(regexp = ID, message = ID_MESSAGE) String> aliases) {}

    public record AddAlias(@NotBlank @Size(max = 128) @Pattern(regexp = ID, message = ID_MESSAGE) String alias) {}

    /**
     * A new price version. Prices per million tokens ({@code inputPerMillion}, {@code outputPerMillion},
     * {@code cachedInputPerMillion}, and {@code tokenPrices} for every other token dimension, context tier and
     * service tier) and per unit ({@code unitPrices}), keys {@code [<tier>:]<name>[>N]} ({@link PriceKey}).
     * {@code cachedInputPerMillion} defaults to the input price, {@code perRequest} to zero. Up to 12 decimal
     * places. {@code forUnpricedUsage}: the version prices usage already recorded without a price (it may start in
     * the past and rates only such usage; see {@code POST /v1/operator/usage/rerate}).
     */
    public record PriceVersionRequest(
            @NotNull Instant effectiveFrom,
            @NotBlank @Size(max = 3) @Pattern(regexp = "[A-Z]{3}", message = "must be an ISO-4217 code such as USD") String currency,
            @DecimalMin("0") @Digits(integer = 18, fraction = 12) BigDecimal inputPerMillion,
            @DecimalMin("0") @Digits(integer = 18, fraction = 12) BigDecimal outputPerMillion,
            @DecimalMin("0") @Digits(integer = 18, fraction = 12) BigDecimal cachedInputPerMillion,
            @DecimalMin("0") @Digits(integer = 18, fraction = 12) BigDecimal perRequest,
            @Size(max = 60) Map<@Pattern(regexp = PriceKey.SYNTAX, message = KEY_MESSAGE) String, @NotNull @DecimalMin("0") @Digits(integer = 18, fraction = 12) BigDecimal> tokenPrices,
            @Size(max = 60) Map<@Pattern(regexp = PriceKey.SYNTAX, message = KEY_MESSAGE) String, @NotNull @DecimalMin("0") @Digits(integer = 18, fraction = 18) BigDecimal> unitPrices,
            Boolean forUnpricedUsage) {}

    static final String KEY_MESSAGE = "price keys are [batch:|priority:|flex:]<lower_snake_case name>[>N]";

    public record PriceVersionView(UUID id, String modelId, Instant effectiveFrom, String currency,
            BigDecimal inputPerMillion, BigDecimal outputPerMillion, BigDecimal cachedInputPerMillion,
            BigDecimal perRequest, Map<String, BigDecimal> tokenPrices, Map<String, BigDecimal> unitPrices,
            String source, boolean forUnpricedUsage, boolean effective, Instant createdAt, String createdBy) {
        static PriceVersionView of(PriceVersion v, Instant now) {
            Prices p = v.prices();
            Map<String, BigDecimal> tokens = new java.util.TreeMap<>();
            v.tokenPrices.forEach((k, x) -> tokens.put(k, scaled(new BigDecimal(x))));
            return new PriceVersionView(v.id, v.modelId, v.effectiveFrom, v.currency, scaled(v.inputPerMillion),
                    scaled(v.outputPerMillion), scaled(v.cachedInputPerMillion), scaled(v.perRequest),
                    tokens, p.unitPrices(), v.source, v.forUnpricedUsage, v.isEffectiveAt(now), v.createdAt,
                    v.createdBy);
        }
    }

    public record ModelView(String id, String provider, String displayName, List<String> aliases,
            PriceVersionView currentPrice, Instant createdAt) {}

    public record ModelDetail(String id, String provider, String displayName, List<String> aliases,
            List<PriceVersionView> priceVersions, Instant createdAt) {}

    /** What a LiteLLM import did: models and versions created, entries unchanged or skipped (with why). */
    public record ImportResult(Instant effectiveFrom, int entries, int modelsCreated, int providersCreated,
            int versionsCreated, int unchanged, List<Skipped> skipped, List<String> keptManual,
            List<String> replacedManual, List<Ignored> ignoredFields) {
        public record Skipped(String key, String reason) {}

        /** Price fields of an imported entry that Accrue does not apply (the entry is priced without them). */
        public record Ignored(String key, List<String> fields) {}
    }

    static BigDecimal scaled(BigDecimal v) {
        return v == null ? null : v.setScale(12, java.math.RoundingMode.UNNECESSARY);
    }

}
