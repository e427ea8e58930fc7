package io.accrue.usage.rating;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.Map;
import java.util.function.Predicate;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.accrue.usage.pricing.LiteLlmFormat;
import io.accrue.usage.pricing.Prices;
import io.accrue.usage.pricing.ServiceTier;

/**
 * One event per price dimension, priced as LiteLLM's real file says: each expected cost is computed here from the
 * file's own numbers (count × the file's price field), never by Accrue's code; the entry is the first one of the
 * file that prices the dimension.
 */
class FilePricesTest {

    private static JsonNode file;

    @BeforeAll
    static void load() throws IOException {
        try (InputStream in = FilePricesTest.class
                .getResourceAsStream("/litellm/model_prices_and_context_window.json")) {
            file = new ObjectMapper().enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS).readTree(in);
        }
    }

    /** The first entry pricing {@code field} above zero (and meeting {@code also}). */
    private static String firstWith(String field, Predicate<JsonNode> also) {
        for (var it = file.fields(); it.hasNext();) {
            var e = it.next();
            if (!"sample_spec".equals(e.getKey()) && e.getValue().isObject() && e.getValue().path(field).isNumber()
                    && e.getValue().get(field).decimalValue().signum() > 0 && also.test(e.getValue())) {
                return e.getKey();
            }
        }
        throw new AssertionError("the file prices no " + field);
    }

    private static BigDecimal price(String key, String field) {
        return file.get(key).get(field).decimalValue();
    }

    private static Prices prices(String key) {
        var parsed = LiteLlmFormat.parse(key, file.get(key));
        var ok = assertInstanceOf(LiteLlmFormat.Ok.class, parsed, key + ": " + parsed);
        return new Prices(null, key, "USD", ok.entry().tokenPrices(), ok.entry().perRequest(), ok.entry().unitPrices());
    }

    private static BigDecimal rate(String key, Metered m) {
        Rating.Rated r = Rating.rate(prices(key), m);
        assertTrue(r.priced(), key + " leaves " + r.unpriced() + " unpriced");
        return r.cost();
    }

    private static BigDecimal exact(BigDecimal v) {
        return v.setScale(Rating.SCALE, RoundingMode.HALF_UP);
    }

    private static Metered tokens(long in, long out, long cacheRead, long write5m, long write1h, long audioIn,
            long audioOut, long imageIn, long imageOut, long reasoning, ServiceTier tier) {
        return new Metered(in, out, cacheRead, write5m, write1h, audioIn, audioOut, imageIn, imageOut, reasoning, tier,
                Map.of());
    }

    /** A token part alone: the event's tokens are all of that kind, so the cost is count × the file's field. */
    @ParameterizedTest(name = "{0}")
    @CsvSource({
            "input_cost_per_token,                       input",
            "output_cost_per_token,                      output",
            "cache_read_input_token_cost,                cache_read",
            "cache_creation_input_token_cost,            cache_write",
            "cache_creation_input_token_cost_above_1hr,  cache_write_1h",
            "input_cost_per_audio_token,                 audio_input",
            "output_cost_per_audio_token,                audio_output",
            "input_cost_per_image_token,                 image_input",
            "output_cost_per_image_token,                image_output",
            "output_cost_per_reasoning_token,            reasoning",
    })
    void aTokenDimensionCostsWhatTheFileSays(String field, String dimension) {
        String key = firstWith(field, n -> true);
        long n = 123_457;
        Metered m = switch (dimension) {
            case "input" -> tokens(n, 0, 0, 0, 0, 0, 0, 0, 0, 0, ServiceTier.STANDARD);
            case "output" -> tokens(0, n, 0, 0, 0, 0, 0, 0, 0, 0, ServiceTier.STANDARD);
            case "cache_read" -> tokens(n, 0, n, 0, 0, 0, 0, 0, 0, 0, ServiceTier.STANDARD);
            case "cache_write" -> tokens(n, 0, 0, n, 0, 0, 0, 0, 0, 0, ServiceTier.STANDARD);
            case "cache_write_1h" -> tokens(n, 0, 0, 0, n, 0, 0, 0, 0, 0, ServiceTier.STANDARD);
            case "audio_input" -> tokens(n, 0, 0, 0, 0, n, 0, 0, 0, 0, ServiceTier.STANDARD);
            case "audio_output" -> tokens(0, n, 0, 0, 0, 0, n, 0, 0, 0, ServiceTier.STANDARD);
            case "image_input" -> tokens(n, 0, 0, 0, 0, 0, 0, n, 0, 0, ServiceTier.STANDARD);
            case "image_output" -> tokens(0, n, 0, 0, 0, 0, 0, 0, n, 0, ServiceTier.STANDARD);
            case "reasoning" -> tokens(0, n, 0, 0, 0, 0, 0, 0, 0, n, ServiceTier.STANDARD);
            default -> throw new IllegalArgumentException(dimension);
        };
        BigDecimal perRequest = file.get(key).path("input_cost_per_request").isNumber()
                ? price(key, "input_cost_per_request")
                : BigDecimal.ZERO;
        assertEquals(exact(price(key, field).multiply(BigDecimal.valueOf(n)).add(perRequest)), rate(key, m), key);
    }

    /** A mixed Anthropic call: text, cache reads, 5-minute and 1-hour writes and output, each at its own price. */
    @Test
    void aCachedAnthropicCallPaysEachPart() {
        String key = firstWith("cache_creation_input_token_cost_above_1hr",
                n -> "anthropic".equals(n.path("litellm_provider").asText()));
        Metered m = tokens(10_000 + 50_000 + 3_000 + 2_000, 800, 50_000, 3_000, 2_000, 0, 0, 0, 0, 0,
                ServiceTier.STANDARD);
        BigDecimal expected = price(key, "input_cost_per_token").multiply(BigDecimal.valueOf(10_000))
                .add(price(key, "cache_read_input_token_cost").multiply(BigDecimal.valueOf(50_000)))
                .add(price(key, "cache_creation_input_token_cost").multiply(BigDecimal.valueOf(3_000)))
                .add(price(key, "cache_creation_input_token_cost_above_1hr").multiply(BigDecimal.valueOf(2_000)))
                .add(price(key, "output_cost_per_token").multiply(BigDecimal.valueOf(800)));
        assertEquals(exact(expected), rate(key, m), key);
    }

    /** Above the context threshold every token of the call is priced at the tier's prices. */
    @Test
    void aLongPromptIsPricedAtTheContextTier() {
        String key = firstWith("input_cost_per_token_above_200k_tokens",
                n -> n.path("output_cost_per_token_above_200k_tokens").isNumber()
                        && n.path("cache_read_input_token_cost_above_200k_tokens").isNumber());
        Metered m = tokens(250_000, 1_000, 40_000, 0, 0, 0, 0, 0, 0, 0, ServiceTier.STANDARD);
        BigDecimal expected = price(key, "input_cost_per_token_above_200k_tokens").multiply(BigDecimal.valueOf(210_000))
                .add(price(key, "cache_read_input_token_cost_above_200k_tokens").multiply(BigDecimal.valueOf(40_000)))
                .add(price(key, "output_cost_per_token_above_200k_tokens").multiply(BigDecimal.valueOf(1_000)));
        assertEquals(exact(expected), rate(key, m), key);
        // At the threshold itself the standard prices apply (LiteLLM: "above").
        Metered at = tokens(200_000, 1_000, 0, 0, 0, 0, 0, 0, 0, 0, ServiceTier.STANDARD);
        assertEquals(exact(price(key, "input_cost_per_token").multiply(BigDecimal.valueOf(200_000))
                .add(price(key, "output_cost_per_token").multiply(BigDecimal.valueOf(1_000)))), rate(key, at), key);
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource({"batches, BATCH", "priority, PRIORITY", "flex, FLEX"})
    void aServiceTierHasItsOwnPrices(String suffix, ServiceTier tier) {
        String key = firstWith("input_cost_per_token_" + suffix,
                n -> n.path("output_cost_per_token_" + suffix).isNumber());
        Metered m = tokens(7_000, 900, 0, 0, 0, 0, 0, 0, 0, 0, tier);
        BigDecimal expected = price(key, "input_cost_per_token_" + suffix).multiply(BigDecimal.valueOf(7_000))
                .add(price(key, "output_cost_per_token_" + suffix).multiply(BigDecimal.valueOf(900)));
        assertEquals(exact(expected), rate(key, m), key);
    }

    @Test
    void priorityAboveTheContextThresholdUsesBoth() {
        String key = firstWith("input_cost_per_token_above_272k_tokens_priority",
                n -> n.path("output_cost_per_token_above_272k_tokens_priority").isNumber());
        Metered m = tokens(300_000, 2_000, 0, 0, 0, 0, 0, 0, 0, 0, ServiceTier.PRIORITY);
        BigDecimal expected = price(key, "input_cost_per_token_above_272k_tokens_priority")
                .multiply(BigDecimal.valueOf(300_000))
                .add(price(key, "output_cost_per_token_above_272k_tokens_priority")
                        .multiply(BigDecimal.valueOf(2_000)));
        assertEquals(exact(expected), rate(key, m), key);
    }

    /** Per-unit prices: images, seconds, characters, pages, queries, web searches, requests. */
    @ParameterizedTest(name = "{0}")
    @CsvSource({
            "output_cost_per_image,           image",
            "input_cost_per_image,            input_image",
            "input_cost_per_second,           input_second",
            "output_cost_per_second,          output_second",
            "input_cost_per_audio_per_second, audio_second",
            "output_cost_per_video_per_second,output_video_second",
            "input_cost_per_character,        input_character",
            "ocr_cost_per_page,               page",
            "input_cost_per_query,            query",
            "input_cost_per_pixel,            input_pixel",
    })
    void aUnitCostsWhatTheFileSays(String field, String unit) {
        String key = firstWith(field, n -> !n.path("input_cost_per_request").isNumber());
        Metered m = new Metered(0, 0, 0, 0, 0, 0, 0, 0, 0, 0, ServiceTier.STANDARD, Map.of(unit, 37L));
        assertEquals(exact(price(key, field).multiply(BigDecimal.valueOf(37))), rate(key, m), key);
    }

    @Test
    void webSearchesArePricedPerQueryBySearchContextSize() {
        String key = null;
        for (var it = file.fields(); it.hasNext() && key == null;) {
            var e = it.next();
            JsonNode s = e.getValue().path("search_context_cost_per_query");
            if (!"sample_spec".equals(e.getKey()) && s.path("search_context_size_high").isNumber()
                    && s.get("search_context_size_high").decimalValue().signum() > 0) {
                key = e.getKey();
            }
        }
        JsonNode s = file.get(key).get("search_context_cost_per_query");
        Metered m = new Metered(0, 0, 0, 0, 0, 0, 0, 0, 0, 0, ServiceTier.STANDARD,
                Map.of("web_search_low", 3L, "web_search_high", 1_000L));
        BigDecimal expected = s.get("search_context_size_low").decimalValue().multiply(BigDecimal.valueOf(3))
                .add(s.get("search_context_size_high").decimalValue().multiply(BigDecimal.valueOf(1_000)));
        assertEquals(exact(expected), rate(key, m), key);
    }

    @Test
    void aPerRequestFeeIsAddedOncePerEvent() {
        String key = firstWith("input_cost_per_request", n -> n.path("output_cost_per_token").isNumber());
        Metered m = tokens(0, 500, 0, 0, 0, 0, 0, 0, 0, 0, ServiceTier.STANDARD);
        assertEquals(exact(price(key, "input_cost_per_request")
                .add(price(key, "output_cost_per_token").multiply(BigDecimal.valueOf(500)))), rate(key, m), key);
    }

    /** Never free: a unit or token kind the version does not price leaves the event unpriced. */
    @Test
    void whatTheFileDoesNotPriceIsNotFree() {
        String key = firstWith("output_cost_per_image", n -> !n.has("input_cost_per_token"));
        Rating.Rated tokensOnImageModel = Rating.rate(prices(key),
                tokens(100, 10, 0, 0, 0, 0, 0, 0, 0, 0, ServiceTier.STANDARD));
        assertEquals(java.util.List.of("input tokens", "output tokens"), tokensOnImageModel.unpriced());
        Rating.Rated unknownUnit = Rating.rate(prices("gpt-4o"), new Metered(10, 1, 0, 0, 0, 0, 0, 0, 0, 0,
                ServiceTier.STANDARD, Map.of("input_second", 5L)));
        assertEquals(java.util.List.of("unit input_second"), unknownUnit.unpriced());
    }
}
