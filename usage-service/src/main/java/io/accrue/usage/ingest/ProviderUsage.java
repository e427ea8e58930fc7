package io.accrue.usage.ingest;

import java.util.Iterator;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * A provider's own usage object, as a gateway receives it, mapped to Accrue's dimensions (pure; table-tested in
 * {@code ProviderUsageTest}; the mapping table is in docs/billing-rules.md). Only counts are read; the object is
 * never stored. Fields a format does not name are ignored, but strings longer than {@value #MAX_STRING} characters
 * are refused anywhere in it, so no prompt or completion text can travel inside.
 */
final class ProviderUsage {

    static final int MAX_STRING = 64;
    static final String FORMATS = "openai.chat, openai.responses, anthropic.messages, gemini, litellm";

    /** The counts of one call, in Accrue's dimensions (see {@code Metered}). */
    record Parts(long input, long output, long cacheRead, long cacheWrite, long cacheWrite1h, long audioInput,
            long audioOutput, long imageInput, long imageOutput, long reasoning, String serviceTier,
            Map<String, Long> units) {}

    /** A usage object that cannot be read as its declared format: the stable code and why. */
    static final class Refused extends Exception {
        final String code;

        Refused(String code, String message) {
            super(message, null, false, false);
            this.code = code;
        }
    }

    private ProviderUsage() {
    }

    static Parts map(String format, JsonNode u) throws Refused {
        if (format == null) {
            throw new Refused("usage_format_required", "usage needs usageFormat: one of " + FORMATS + ".");
        }
        if (u == null || !u.isObject()) {
            throw new Refused("usage_invalid", "usage is the provider's usage object (a JSON object).");
        }
        requireNoText(u, "usage");
        return switch (format) {
            case "openai.chat" -> openAiChat(u);
            case "openai.responses" -> openAiResponses(u);
            case "anthropic.messages" -> anthropic(u);
            case "gemini" -> gemini(u);
            case "litellm" -> liteLlm(u);
            default -> throw new Refused("usage_format_unknown",
                    "usageFormat '" + format + "' is not one of " + FORMATS + ".");
        };
    }

    /** Chat Completions: prompt_tokens include cached and audio tokens; completion_tokens include reasoning and audio. */
    private static Parts openAiChat(JsonNode u) throws Refused {
        long in = count(u, "prompt_tokens"), out = count(u, "completion_tokens");
        JsonNode pd = u.path("prompt_tokens_details"), cd = u.path("completion_tokens_details");
        requireTotal(u, "total_tokens", in + out);
        return new Parts(in, out, count(pd, "cached_tokens"), 0, 0, count(pd, "audio_tokens"),
                count(cd, "audio_tokens"), 0, 0, count(cd, "reasoning_tokens"), null, Map.of());
    }

    /** Responses (and Realtime, which spells the details input_token_details): same inclusions as chat. */
    private static Parts openAiResponses(JsonNode u) throws Refused {
        long in = count(u, "input_tokens"), out = count(u, "output_tokens");
        JsonNode id = u.has("input_tokens_details") ? u.path("input_tokens_details") : u.path("input_token_details");
        JsonNode od = u.has("output_tokens_details") ? u.path("output_tokens_details") : u.path("output_token_details");
        requireTotal(u, "total_tokens", in + out);
        return new Parts(in, out, count(id, "cached_tokens"), 0, 0, count(id, "audio_tokens"),
                count(od, "audio_tokens"), count(id, "image_tokens"), 0, count(od, "reasoning_tokens"), null,
                Map.of());
    }

    /**
     * Messages: {@code input_tokens} excludes cache reads and writes, so Accrue's input is the sum of the three.
     * Cache writes split by duration when {@code cache_creation} says so (5-minute otherwise); thinking is part of
     * {@code output_tokens}; {@code server_tool_use.web_search_requests} are web searches.
     */
    private static Parts anthropic(JsonNode u) throws Refused {
        long uncached = count(u, "input_tokens"), read = count(u, "cache_read_input_tokens");
        long created = count(u, "cache_creation_input_tokens");
        long write5m = created, write1h = 0;
        JsonNode cc = u.path("cache_creation");
        if (cc.isObject()) {
            write5m = count(cc, "ephemeral_5m_input_tokens");
            write1h = count(cc, "ephemeral_1h_input_tokens");
            if (u.has("cache_creation_input_tokens") && write5m + write1h != created) {
                throw new Refused("usage_inconsistent", "cache_creation's 5-minute and 1-hour tokens ("
                        + write5m + " + " + write1h + ") differ from cache_creation_input_tokens (" + created + ").");
            }
        }
        Map<String, Long> units = new TreeMap<>();
        long searches = count(u.path("server_tool_use"), "web_search_requests");
        if (searches > 0) {
            units.put("web_search_medium", searches);
        }
        return new Parts(uncached + read + write5m + write1h, count(u, "output_tokens"), read, write5m, write1h, 0, 0,
                0, 0, 0, text(u, "service_tier"), units);
    }

    /**
     * generateContent's {@code usageMetadata}: thinking ({@code thoughtsTokenCount}) is billed as output but not
     * part of {@code candidatesTokenCount}; tool-use prompt tokens are input; cached content is part of the prompt.
     * Modalities (AUDIO, IMAGE) of the prompt and candidates details are the audio and image parts.
     */
    private static Parts gemini(JsonNode u) throws Refused {
        long prompt = count(u, "promptTokenCount"), toolPrompt = count(u, "toolUsePromptTokenCount");
        long candidates = count(u, "candidatesTokenCount"), thoughts = count(u, "thoughtsTokenCount");
        requireTotal(u, "totalTokenCount", prompt + toolPrompt + candidates + thoughts);
        return new Parts(prompt + toolPrompt, candidates + thoughts, count(u, "cachedContentTokenCount"), 0, 0,
                modality(u.path("promptTokensDetails"), "AUDIO"), modality(u.path("candidatesTokensDetails"), "AUDIO"),
                modality(u.path("promptTokensDetails"), "IMAGE"), modality(u.path("candidatesTokensDetails"), "IMAGE"),
                thoughts, null, Map.of());
    }

    /**
     * LiteLLM's {@code Usage} (its responses' {@code usage}, also in its logging payload's usage object): OpenAI's
     * shape, where {@code prompt_tokens} already include cache reads and writes, plus Anthropic's
     * {@code cache_creation_input_tokens} (split by {@code cache_creation_token_details} when given).
     */
    private static Parts liteLlm(JsonNode u) throws Refused {
        long in = count(u, "prompt_tokens"), out = count(u, "completion_tokens");
        JsonNode pd = u.path("prompt_tokens_details"), cd = u.path("completion_tokens_details");
        requireTotal(u, "total_tokens", in + out);
        long read = pd.has("cached_tokens") ? count(pd, "cached_tokens") : count(u, "cache_read_input_tokens");
        long created = count(u, "cache_creation_input_tokens");
        long write5m = created, write1h = 0;
        JsonNode details = u.path("cache_creation_token_details");
        if (details.isObject()) {
            write5m = count(details, "ephemeral_5m_input_tokens");
            write1h = count(details, "ephemeral_1h_input_tokens");
            if (u.has("cache_creation_input_tokens") && write5m + write1h != created) {
                throw new Refused("usage_inconsistent", "cache_creation_token_details (" + write5m + " + " + write1h
                        + ") differ from cache_creation_input_tokens (" + created + ").");
            }
        }
        return new Parts(in, out, read, write5m, write1h, count(pd, "audio_tokens"), count(cd, "audio_tokens"),
                count(pd, "image_tokens"), count(cd, "image_tokens"), count(cd, "reasoning_tokens"), null, Map.of());
    }

    private static long count(JsonNode node, String field) throws Refused {
        JsonNode v = node.get(field);
        if (v == null || v.isNull() || node.isMissingNode()) {
            return 0;
        }
        if (!v.canConvertToLong() || !v.isIntegralNumber() || v.asLong() < 0 || v.asLong() > 100_000_000) {
            throw new Refused("usage_invalid", field + " is not a token count (a whole number from 0 to 100,000,000).");
        }
        return v.asLong();
    }

    private static void requireTotal(JsonNode u, String field, long expected) throws Refused {
        if (u.has(field) && !u.get(field).isNull() && count(u, field) != expected) {
            throw new Refused("usage_inconsistent", field + " (" + count(u, field)
                    + ") is not the sum of the counts it totals (" + expected + ").");
        }
    }

    private static long modality(JsonNode details, String modality) throws Refused {
        long n = 0;
        if (details.isArray()) {
            for (JsonNode d : details) {
                if (modality.equalsIgnoreCase(d.path("modality").asText())) {
                    n += count(d, "tokenCount");
                }
            }
        }
        return n;
    }

    private static String text(JsonNode u, String field) {
        return Optional.ofNullable(u.get(field)).filter(JsonNode::isTextual).map(JsonNode::asText).orElse(null);
    }

    private static void requireNoText(JsonNode node, String path) throws Refused {
        if (node.isTextual() && node.asText().length() > MAX_STRING) {
            throw new Refused("usage_invalid", path + " holds text; a usage object carries counts only.");
        }
        if (node.isContainerNode()) {
            if (node.isObject()) {
                for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext();) {
                    var f = it.next();
                    if (f.getKey().length() > MAX_STRING) {
                        throw new Refused("usage_invalid", path + " has a field name that is text, not a count.");
                    }
                    requireNoText(f.getValue(), path + "." + f.getKey());
                }
            } else {
                int i = 0;
                for (JsonNode x : node) {
                    requireNoText(x, path + "[" + i++ + "]");
                }
            }
        }
    }
}
