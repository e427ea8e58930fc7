package io.accrue.usage.pricing;

import java.math.BigDecimal;
import java.util.Map;
import java.util.TreeMap;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;

/** Reads the {@code unit_prices} jsonb column (decimal strings) without floating point. */
final class UnitPrices {

    private static final ObjectMapper MAPPER = new ObjectMapper();

    private UnitPrices() {
    }

    static Map<String, BigDecimal> parse(String json) {
        try {
            Map<String, String> raw = MAPPER.readValue(json, new TypeReference<Map<String, String>>() {
            });
            Map<String, BigDecimal> out = new TreeMap<>();
            raw.forEach((k, v) -> out.put(k, new BigDecimal(v)));
            return Map.copyOf(out);
        } catch (java.io.IOException e) {
            throw new IllegalStateException("unit_prices is not a map of decimals", e);
        }
    }
}
