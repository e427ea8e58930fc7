package io.accrue.usage.pricing;

import java.math.BigDecimal;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * The model-price JSON that LiteLLM (and the gateways built on it) maintain: one object per model key with
 * prices <em>per token</em>. Accrue keeps prices per million tokens, so the conversion is an exact decimal
 * shift by six places. Fields Accrue does not price (context sizes, feature flags) are ignored on import.
 */
public final class LiteLlmFormat {

    static final BigDecimal MILLION = BigDecimal.valueOf(1_000_000);
    /** LiteLLM field → Accrue per-unit price name. */
    static final Map<String, String> UNIT_FIELDS = Map.of(
            "output_cost_per_image", "image",
            "input_cost_per_audio_per_second", "audio_second",
            "tool_call_cost", "tool_call");

    private LiteLlmFormat() {
    }

    /** One importable entry, or empty with the reason it cannot be imported. */
    public record Entry(String modelId, String provider, BigDecimal inputPerMillion, BigDecimal outputPerMillion,
            BigDecimal cachedInputPerMillion, BigDecimal perRequest, Map<String, BigDecimal> unitPrices) {}

    public sealed interface Parsed permits Ok, Skip {
    }

    public record Ok(Entry entry) implements Parsed {}

    public record Skip(String reason) implements Parsed {}

    public static Parsed parse(String key, JsonNode node) {
        if ("sample_spec".equals(key)) {
            return new Skip("LiteLLM's documentation entry");
        }
        if (node == null || !node.isObject()) {
            return new Skip("not an object");
        }
        String provider = Optional.ofNullable(node.get("litellm_provider")).map(JsonNode::asText)
                .map(p -> p.strip().toLowerCase(Locale.ROOT)).orElse("");
        if (!provider.matches("[a-z0-9][a-z0-9_.-]*")) {
            return new Skip("no usable litellm_provider");
        }
        try {
            BigDecimal input = perMillion(node, "input_cost_per_token");
            BigDecimal output = perMillion(node, "output_cost_per_token");
            if (input == null || output == null) {
                return new Skip("no per-token prices");
            }
            BigDecimal cached = perMillion(node, "cache_read_input_token_cost");
            BigDecimal perRequest = decimal(node, "input_cost_per_request");
            Map<String, BigDecimal> units = new LinkedHashMap<>();
            for (var field : UNIT_FIELDS.entrySet()) {
                BigDecimal v = decimal(node, field.getKey());
                if (v != null) {
                    units.put(field.getValue(), v);
                }
            }
            return new Ok(new Entry(key.strip().toLowerCase(Locale.ROOT), provider, input, output,
                    cached == null ? input : cached, perRequest == null ? BigDecimal.ZERO : perRequest, units));
        } catch (IllegalArgumentException e) {
            return new Skip(e.getMessage());
        }
    }

    /** A model's prices as a LiteLLM entry (per token). */
    public static ObjectNode toNode(String provider, Prices p) {
        JsonNodeFactory f = JsonNodeFactory.withExactBigDecimals(true);
        ObjectNode n = f.objectNode();
        n.put("litellm_provider", provider);
        n.put("mode", "chat");
        n.set("input_cost_per_token", f.numberNode(perToken(p.inputPerMillion())));
        n.set("output_cost_per_token", f.numberNode(perToken(p.outputPerMillion())));
        n.set("cache_read_input_token_cost", f.numberNode(perToken(p.cachedInputPerMillion())));
        if (p.perRequest().signum() > 0) {
            n.set("input_cost_per_request", f.numberNode(p.perRequest().stripTrailingZeros()));
        }
        UNIT_FIELDS.forEach((field, unit) -> {
            BigDecimal v = p.unitPrices().get(unit);
            if (v != null) {
                n.set(field, f.numberNode(v.stripTrailingZeros()));
            }
        });
        return n;
    }

    static BigDecimal perToken(BigDecimal perMillion) {
        return perMillion.divide(MILLION).stripTrailingZeros();
    }

    private static BigDecimal perMillion(JsonNode node, String field) {
        BigDecimal v = decimal(node, field, false);
        return v == null ? null : twelvePlaces(field, v.multiply(MILLION));
    }

    private static BigDecimal decimal(JsonNode node, String field) {
        return decimal(node, field, true);
    }

    private static BigDecimal decimal(JsonNode node, String field, boolean checkScale) {
        JsonNode v = node.get(field);
        if (v == null || v.isNull()) {
            return null;
        }
        BigDecimal d;
        if (v.isNumber()) {
            d = v.decimalValue();
        } else if (v.isTextual()) {
            try {
                d = new BigDecimal(v.asText().strip());
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException(field + " is not a number");
            }
        } else {
            throw new IllegalArgumentException(field + " is not a number");
        }
        if (d.signum() < 0) {
            throw new IllegalArgumentException(field + " is negative");
        }
        return checkScale ? twelvePlaces(field, d) : d;
    }

    private static BigDecimal twelvePlaces(String field, BigDecimal v) {
        BigDecimal s = v.stripTrailingZeros();
        if (s.scale() > 12) {
            throw new IllegalArgumentException(field + " needs more than 12 decimal places per million tokens");
        }
        return s.scale() < 0 ? s.setScale(0) : s;
    }
}
