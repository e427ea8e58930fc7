package io.accrue.usage.pricing;

import java.math.BigDecimal;
import java.util.Map;
import java.util.UUID;

/** An immutable snapshot of one price version, as the rating code needs it (no JPA). */
public record Prices(UUID versionId, String modelId, String currency, BigDecimal inputPerMillion,
        BigDecimal outputPerMillion, BigDecimal cachedInputPerMillion, BigDecimal perRequest,
        Map<String, BigDecimal> unitPrices) {}
