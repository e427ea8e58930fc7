package io.accrue.usage.rating;

import java.util.EnumMap;
import java.util.Map;

import io.accrue.usage.pricing.ServiceTier;
import io.accrue.usage.pricing.TokenDimension;

/**
 * What one event measured, in Accrue's dimensions. {@code inputTokens} are all prompt tokens (cache reads, cache
 * writes, audio and image tokens included, as OpenAI's {@code prompt_tokens}); {@code outputTokens} all completion
 * tokens (reasoning, audio and image output included, as OpenAI's {@code completion_tokens}). The other counts are
 * parts of those two; what is left is text, priced at {@code input} / {@code output}.
 */
public record Metered(long inputTokens, long outputTokens, long cacheReadTokens, long cacheWriteTokens,
        long cacheWrite1hTokens, long audioInputTokens, long audioOutputTokens, long imageInputTokens,
        long imageOutputTokens, long reasoningTokens, ServiceTier serviceTier, Map<String, Long> units) {

    public Metered {
        serviceTier = serviceTier == null ? ServiceTier.STANDARD : serviceTier;
        units = units == null ? Map.of() : Map.copyOf(units);
    }

    public static Metered tokens(long input, long output, long cached) {
        return new Metered(input, output, cached, 0, 0, 0, 0, 0, 0, 0, ServiceTier.STANDARD, Map.of());
    }

    public long inputParts() {
        return cacheReadTokens + cacheWriteTokens + cacheWrite1hTokens + audioInputTokens + imageInputTokens;
    }

    public long outputParts() {
        return reasoningTokens + audioOutputTokens + imageOutputTokens;
    }

    /** Tokens per dimension, text input and output being what the named parts leave. */
    public Map<TokenDimension, Long> byDimension() {
        Map<TokenDimension, Long> m = new EnumMap<>(TokenDimension.class);
        m.put(TokenDimension.INPUT, inputTokens - inputParts());
        m.put(TokenDimension.CACHE_READ, cacheReadTokens);
        m.put(TokenDimension.CACHE_WRITE, cacheWriteTokens);
        m.put(TokenDimension.CACHE_WRITE_1H, cacheWrite1hTokens);
        m.put(TokenDimension.AUDIO_INPUT, audioInputTokens);
        m.put(TokenDimension.IMAGE_INPUT, imageInputTokens);
        m.put(TokenDimension.OUTPUT, outputTokens - outputParts());
        m.put(TokenDimension.REASONING, reasoningTokens);
        m.put(TokenDimension.AUDIO_OUTPUT, audioOutputTokens);
        m.put(TokenDimension.IMAGE_OUTPUT, imageOutputTokens);
        return m;
    }
}
