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

    /** Null when the model bills no input tokens (per image, per second…). */
    @Column(name = "input_per_million", precision = 30, scale = 12)
    public BigDecimal inputPerMillion;

    @Column(name = "output_per_million", precision = 30, scale = 12)
    public BigDecimal outputPerMillion;

    /** Null: cache reads cost input. */
    @Column(name = "cached_input_per_million", precision = 30, scale = 12)
    public BigDecimal cachedInputPerMillion;

    /** Every other per-million price, by {@link PriceKey} (decimal strings). */
    @JdbcTypeCode(SqlTypes.JSON)
    @Column(name = "token_prices", nullable = false)
    public Map<String, String> tokenPrices = new java.util.TreeMap<>();

    /** {@code manual} or {@code litellm}: who set these prices. */
    @Column(nullable = false)
    public String source = "manual";

    /** Added after the fact to price usage recorded without a price; rates only that usage. */
    @Column(name = "for_unpriced_usage", nullable = false)
    public boolean forUnpricedUsage;

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
        Map<String, BigDecimal> tokens = new java.util.TreeMap<>();
        tokenPrices.forEach((k, v) -> tokens.put(k, new BigDecimal(v)));
        putIfSet(tokens, "input", inputPerMillion);
        putIfSet(tokens, "output", outputPerMillion);
        putIfSet(tokens, "cache_read", cachedInputPerMillion);
        return new Prices(id, modelId, currency, tokens, perRequest, units);
    }

    private static void putIfSet(Map<String, BigDecimal> m, String key, BigDecimal v) {
        if (v != null) {
            m.put(key, v);
        }
    }
}
