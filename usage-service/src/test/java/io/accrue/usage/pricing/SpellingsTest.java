package io.accrue.usage.pricing;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.io.InputStream;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/** Gateways' spellings against a catalog of every entry of the real LiteLLM file (each its own model). */
class SpellingsTest {

    private static Spellings spellings;

    @BeforeAll
    static void load() throws IOException {
        JsonNode file;
        try (InputStream in = SpellingsTest.class
                .getResourceAsStream("/litellm/model_prices_and_context_window.json")) {
            file = new ObjectMapper().readTree(in);
        }
        Map<String, PriceCatalog.ResolvedModel> byAlias = new HashMap<>();
        file.fields().forEachRemaining(e -> {
            if (e.getValue().isObject() && e.getValue().has("litellm_provider")) {
                String id = e.getKey().toLowerCase(Locale.ROOT);
                byAlias.putIfAbsent(id, new PriceCatalog.ResolvedModel(id,
                        e.getValue().get("litellm_provider").asText(), List.of()));
            }
        });
        spellings = new Spellings(byAlias);
    }

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource({
            // an entry of its own always prices its own spelling (distinct prices stay distinct)
            "gpt-4o,                                           gpt-4o",
            "azure/gpt-4o,                                     azure/gpt-4o",
            "openrouter/openai/gpt-4o,                         openrouter/openai/gpt-4o",
            "GPT-4o,                                           gpt-4o",
            "gpt-4o-2024-08-06,                                gpt-4o-2024-08-06",
            // a router prefix is dropped; a provider prefix finds only that provider's entries
            "litellm_proxy/gpt-4o,                             gpt-4o",
            "openai/gpt-4o,                                    gpt-4o",
            "vertex_ai/gemini-2.5-pro,                         gemini-2.5-pro",
            "bedrock/anthropic.claude-3-5-sonnet-20240620-v1:0, anthropic.claude-3-5-sonnet-20240620-v1:0",
            "bedrock/claude-sonnet-4-5,                        ''",
            // a bare name finds its first-party provider's entry
            "mistral-large-latest,                             mistral/mistral-large-latest",
            // version dots, dates, -latest and Vertex versions
            "anthropic/claude-sonnet-4.5,                      claude-sonnet-4-5",
            "claude-sonnet-4.5,                                claude-sonnet-4-5",
            "claude-sonnet-4-5-20250929,                       claude-sonnet-4-5-20250929",
            "claude-sonnet-4-5-20991231,                       claude-sonnet-4-5",
            "gpt-4o-mini-latest,                               gpt-4o-mini",
            "vertex_ai/claude-3-5-haiku@20241022,              vertex_ai/claude-3-5-haiku@20241022",
            "claude-3-5-haiku@20241022,                        vertex_ai/claude-3-5-haiku@20241022",
            // no Anthropic-direct entry for a retired model: never a reseller's price instead
            "anthropic/claude-3.5-sonnet,                      ''",
            "no-such-model,                                    ''",
    })
    void resolves(String spelling, String expected) {
        assertEquals(expected, spellings.resolve(spelling).map(PriceCatalog.ResolvedModel::modelId).orElse(""));
    }
}
