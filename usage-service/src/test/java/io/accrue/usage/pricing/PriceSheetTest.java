package io.accrue.usage.pricing;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.math.BigDecimal;
import java.util.Map;
import java.util.Optional;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The lookup order of a price (service tier, context tier, fallback dimension) and the key syntax. */
class PriceSheetTest {

    private static final Prices P = new Prices(null, "m", "USD", Map.of(
            "input", new BigDecimal("1"), "output", new BigDecimal("2"), "cache_write", new BigDecimal("1.25"),
            "input>200000", new BigDecimal("10"), "priority:input", new BigDecimal("3"),
            "priority:input>200000", new BigDecimal("30"), "batch:output", new BigDecimal("0.5"),
            "cache_read>200000", new BigDecimal("0.4")), BigDecimal.ZERO, Map.of("image", new BigDecimal("0.04")));

    @ParameterizedTest(name = "{0} {1} above {2} -> {3}")
    @CsvSource({
            "input,          STANDARD, 0,      1",
            "input,          STANDARD, 200000, 10",
            "input,          PRIORITY, 0,      3",
            "input,          PRIORITY, 200000, 30",
            "input,          BATCH,    0,      1", // a tier the version does not price: the standard price
            "input,          BATCH,    200000, 10",
            "output,         BATCH,    0,      0.5",
            "output,         BATCH,    200000, 0.5", // no output price above 200k in any tier: the batch one
            "output,         STANDARD, 200000, 2",
            "cache_read,     STANDARD, 0,      1", // no cache price: input's
            "cache_read,     STANDARD, 200000, 0.4",
            "cache_write_1h, STANDARD, 0,      1.25", // no 1-hour price: the 5-minute one
            "reasoning,      STANDARD, 0,      2", // reasoning is output unless priced
            "audio_output,   BATCH,    0,      0.5",
    })
    void lookup(String dimension, ServiceTier tier, long above, String expected) {
        assertEquals(new BigDecimal(expected),
                PriceSheet.tokenPrice(P, TokenDimension.parse(dimension).orElseThrow(), tier, above));
    }

    @ParameterizedTest(name = "{0} input tokens -> tier {1}")
    @CsvSource({"0, 0", "200000, 0", "200001, 200000", "5000000, 200000"})
    void contextTierIsTheHighestThresholdThePromptExceeds(long input, long tier) {
        assertEquals(tier, PriceSheet.contextTier(P, input));
    }

    @Test
    void unitsHaveNoFallback() {
        assertEquals(new BigDecimal("0.04"), PriceSheet.unitPrice(P, "image", ServiceTier.PRIORITY, 200000));
        assertEquals(null, PriceSheet.unitPrice(P, "input_second", ServiceTier.STANDARD, 0));
    }

    /** Every LiteLLM price field maps to a key and back to the same field, with every tier and threshold. */
    @Test
    void liteLlmFieldNamesRoundTrip() {
        int n = 0;
        for (LiteLlmFormat.Field f : LiteLlmFormat.FIELDS) {
            for (String context : new String[]{"", "_above_128k_tokens", "_above_200k_tokens", "_above_272k_tokens"}) {
                for (String tier : new String[]{"", "_batches", "_priority", "_flex"}) {
                    String field = f.liteLlm() + context + tier;
                    Optional<PriceKey> key = LiteLlmFormat.priceKey(field);
                    assertEquals(Optional.of(field),
                            key.flatMap(k -> LiteLlmFormat.fieldName(k.toString(), f.perToken())),
                            field);
                    assertEquals(Optional.of(key.get()), PriceKey.parse(key.get().toString()), field);
                    n++;
                }
            }
        }
        assertEquals(LiteLlmFormat.FIELDS.size() * 16, n);
        assertEquals(Optional.empty(), LiteLlmFormat.priceKey("input_dbu_cost_per_token"));
        assertEquals(Optional.empty(), LiteLlmFormat.priceKey("input_cost_per_video_per_second_above_15s_interval"));
    }
}
