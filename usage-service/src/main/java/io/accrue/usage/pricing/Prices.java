package io.accrue.usage.pricing;

import java.math.BigDecimal;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;

/**
 * An immutable snapshot of one price version, as the rating code needs it (no JPA). Keys are {@link PriceKey}s:
 * {@code tokenPrices} per million tokens of a {@link TokenDimension} ({@code input}, {@code output},
 * {@code cache_read} included), {@code unitPrices} per unit of a named unit ({@code image}, {@code input_second},
 * {@code web_search_medium}…); {@code perRequest} once per event.
 */
public record Prices(UUID versionId, String modelId, String currency, Map<String, BigDecimal> tokenPrices,
        BigDecimal perRequest, Map<String, BigDecimal> unitPrices) {

    public Prices {
        tokenPrices = Map.copyOf(tokenPrices);
        unitPrices = Map.copyOf(unitPrices);
        perRequest = perRequest == null ? BigDecimal.ZERO : perRequest;
    }

    /** Input, output and cached input per million only: the shape of a version before dimensions existed. */
    public Prices(UUID versionId, String modelId, String currency, BigDecimal inputPerMillion,
            BigDecimal outputPerMillion, BigDecimal cachedInputPerMillion, BigDecimal perRequest,
            Map<String, BigDecimal> unitPrices) {
        this(versionId, modelId, currency, basic(inputPerMillion, outputPerMillion, cachedInputPerMillion),
                perRequest, unitPrices);
    }

    public BigDecimal inputPerMillion() {
        return tokenPrices.get("input");
    }

    public BigDecimal outputPerMillion() {
        return tokenPrices.get("output");
    }

    public BigDecimal cachedInputPerMillion() {
        return tokenPrices.get("cache_read");
    }

    private static Map<String, BigDecimal> basic(BigDecimal in, BigDecimal out, BigDecimal cached) {
        Map<String, BigDecimal> m = new TreeMap<>();
        if (in != null) {
            m.put("input", in);
        }
        if (out != null) {
            m.put("output", out);
        }
        if (cached != null) {
            m.put("cache_read", cached);
        }
        return m;
    }
}
