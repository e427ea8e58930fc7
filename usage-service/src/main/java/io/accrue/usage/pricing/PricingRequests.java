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

    static final String ID = "[a-z0-9][a-z0-9_.:/-]*";
    static final String ID_MESSAGE = "must be lower-case letters, digits, '_', '.', ':', '/' or '-'";

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
     * A new price version. Prices per million tokens; {@code cachedInputPerMillion} defaults to the input
     * price, {@code perRequest} to zero. Up to 12 decimal places.
     */
    public record PriceVersionRequest(
            @NotNull Instant effectiveFrom,
            @NotBlank @Pattern(regexp = "[A-Z]{3}", message = "must be an ISO-4217 code such as USD") String currency,
            @NotNull @DecimalMin("0") @Digits(integer = 18, fraction = 12) BigDecimal inputPerMillion,
            @NotNull @DecimalMin("0") @Digits(integer = 18, fraction = 12) BigDecimal outputPerMillion,
            @DecimalMin("0") @Digits(integer = 18, fraction = 12) BigDecimal cachedInputPerMillion,
            @DecimalMin("0") @Digits(integer = 18, fraction = 12) BigDecimal perRequest,
            @Size(max = 20) Map<@Pattern(regexp = "[a-z][a-z0-9_]*", message = "unit names are lower_snake_case") String, @NotNull @DecimalMin("0") @Digits(integer = 18, fraction = 12) BigDecimal> unitPrices) {}

    public record PriceVersionView(UUID id, String modelId, Instant effectiveFrom, String currency,
            BigDecimal inputPerMillion, BigDecimal outputPerMillion, BigDecimal cachedInputPerMillion,
            BigDecimal perRequest, Map<String, BigDecimal> unitPrices, boolean effective, Instant createdAt,
            String createdBy) {
        static PriceVersionView of(PriceVersion v, Instant now) {
            Prices p = v.prices();
            return new PriceVersionView(v.id, v.modelId, v.effectiveFrom, v.currency, scaled(v.inputPerMillion),
                    scaled(v.outputPerMillion), scaled(v.cachedInputPerMillion), scaled(v.perRequest),
                    p.unitPrices(), v.isEffectiveAt(now), v.createdAt, v.createdBy);
        }
    }

    public record ModelView(String id, String provider, String displayName, List<String> aliases,
            PriceVersionView currentPrice, Instant createdAt) {}

    public record ModelDetail(String id, String provider, String displayName, List<String> aliases,
            List<PriceVersionView> priceVersions, Instant createdAt) {}

    /** What a LiteLLM import did: models and versions created, entries unchanged or skipped (with why). */
    public record ImportResult(int modelsCreated, int providersCreated, int versionsCreated, int unchanged,
            List<Skipped> skipped) {
        public record Skipped(String key, String reason) {}
    }

    static BigDecimal scaled(BigDecimal v) {
        return v.setScale(12, java.math.RoundingMode.UNNECESSARY);
    }

}
