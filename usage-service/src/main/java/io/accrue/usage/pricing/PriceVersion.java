package io.accrue.usage.pricing;

import java.math.BigDecimal;
import java.time.Instant;
import java.util.Map;
import java.util.UUID;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

import org.hibernate.annotations.JdbcTypeCode;
import org.hibernate.type.SqlTypes;

/**
 * The prices of one model from {@code effectiveFrom} until the next version starts. Immutable once effective:
 * events rated with it keep its id, and re-rating them must give the same cost.
 */
@Entity
@Table(name = "price_versions")
public class PriceVersion {

    @Id
    public UUID id;

    @Column(name = "model_id", nullable = false)
    public String modelId;

    @Column(name = "effective_from", nullable = false)
    public Instant effectiveFrom;

    @Column(nullable = false, columnDefinition = "bpchar")
    public String currency;

    @Column(name = "input_per_million", nullable = false, precision = 30, scale = 12)
    public BigDecimal inputPerMillion;

    @Column(name = "output_per_million", nullable = false, precision = 30, scale = 12)
    public BigDecimal outputPerMillion;

    @Column(name = "cached_input_per_million", nullable = false, precision = 30, scale = 12)
    public BigDecimal cachedInputPerMillion;

    @Column(name = "per_request", nullable = false, precision = 30, scale = 12)
    public BigDecimal perRequest;

    /** Unit name → price per unit, as decimal strings (exact; never floating point). */
    @JdbcTypeCode(SqlTypes.JSON)
    @Column(name = "unit_prices", nullable = false)
    public Map<String, String> unitPrices;

    @Column(name = "created_at", nullable = false)
    public Instant createdAt;

    @Column(name = "created_by", nullable = false)
    public String createdBy;

    public boolean isEffectiveAt(Instant now) {
        return !effectiveFrom.isAfter(now);
    }

    public Prices prices() {
        Map<String, BigDecimal> units = new java.util.TreeMap<>();
        unitPrices.forEach((k, v) -> units.put(k, new BigDecimal(v)));
        return new Prices(id, modelId, currency, inputPerMillion, outputPerMillion, cachedInputPerMillion,
                perRequest, units);
    }
}
