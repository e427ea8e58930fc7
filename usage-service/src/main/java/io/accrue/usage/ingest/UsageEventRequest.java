package io.accrue.usage.ingest;

import java.time.Instant;
import java.util.Map;
import java.util.UUID;

import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.Size;

import com.fasterxml.jackson.annotation.JsonAlias;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.annotation.JsonDeserialize;

/**
 * One usage event: counts and small metadata only. Unknown fields are rejected, so prompt or completion text
 * can never be stored. OpenAI's {@code prompt_tokens} / {@code completion_tokens} are accepted as aliases. The
 * token parts ({@code cacheWriteTokens}…{@code reasoningTokens}) are parts of {@code inputTokens} or
 * {@code outputTokens} (see {@code Metered}); instead of Accrue's counts an event may carry the provider's own
 * {@code usage} object with its {@code usageFormat} ({@link ProviderUsage}).
 * Organisation and environment come from the credential, never from here.
 */
public record UsageEventRequest(
        @JsonAlias("event_id") @NotBlank @Size(max = 128) String eventId,
        @JsonAlias("end_user_id") @NotBlank @Size(max = 128) String endUserId,
        @NotBlank @Size(max = 128) String model,
        @Size(max = 64) String provider,
        @JsonAlias( {
                "input_tokens", "prompt_tokens"}) @Min(0) @Max(100_000_000) Long inputTokens,
        @JsonAlias({"output_tokens", "completion_tokens"}) @Min(0) @Max(100_000_000) Long outputTokens,
        @JsonAlias("cached_tokens") @Min(0) @Max(100_000_000) Long cachedTokens,
        @JsonAlias("occurred_at") @JsonDeserialize(using = OccurredAt.class) @NotNull Instant occurredAt,
        @JsonAlias("agent_session_id") @Size(max = 128) String agentSessionId,
        @JsonAlias("tool_calls") @Min(0) @Max(10_000) Integer toolCalls,
        @Size(max = 10) Map<@Pattern(regexp = "[a-z][a-z0-9_]*", message = "unit names are lower_snake_case") String, @NotNull @Min(0) @Max(1_000_000) Long> units,
        @Size(max = 16) Map<@Pattern(regexp = METADATA_KEY, message = "metadata keys are lower_snake_case identifiers (at most 64) and not a text field such as prompt or completion") String, @NotNull @Pattern(regexp = METADATA_VALUE, message = "metadata values are short identifiers: at most 128 of letters, digits and . _ : / @ + = - (no spaces)") String> metadata,
        @JsonAlias("reservation_id") UUID reservationId,
        @JsonAlias("cache_write_tokens") @Min(0) @Max(100_000_000) Long cacheWriteTokens,
        @JsonAlias("cache_write_1h_tokens") @Min(0) @Max(100_000_000) Long cacheWrite1hTokens,
        @JsonAlias("audio_input_tokens") @Min(0) @Max(100_000_000) Long audioInputTokens,
        @JsonAlias("audio_output_tokens") @Min(0) @Max(100_000_000) Long audioOutputTokens,
        @JsonAlias("image_input_tokens") @Min(0) @Max(100_000_000) Long imageInputTokens,
        @JsonAlias("image_output_tokens") @Min(0) @Max(100_000_000) Long imageOutputTokens,
        @JsonAlias("reasoning_tokens") @Min(0) @Max(100_000_000) Long reasoningTokens,
        @JsonAlias("service_tier") @Size(max = 32) String serviceTier,
        @JsonAlias("usage_format") @Size(max = 32) String usageFormat,
        JsonNode usage){

    /** The fields an event had before token parts, service tiers and provider usage objects. */
    public UsageEventRequest(String eventId, String endUserId, String model, String provider, Long inputTokens,
            Long outputTokens, Long cachedTokens, Instant occurredAt, String agentSessionId, Integer toolCalls,
            Map<String, Long> units, Map<String, String> metadata, UUID reservationId) {
        this(eventId, endUserId, model, provider, inputTokens, outputTokens, cachedTokens, occurredAt, agentSessionId,
                toolCalls, units, metadata, reservationId, null, null, null, null, null, null, null, null, null, null);
    }

    /** True when any of Accrue's own token counts is given (then a provider usage object may not be). */
    boolean hasOwnCounts() {
        return inputTokens != null || outputTokens != null || cachedTokens != null || cacheWriteTokens != null
                || cacheWrite1hTokens != null || audioInputTokens != null || audioOutputTokens != null
                || imageInputTokens != null || imageOutputTokens != null || reasoningTokens != null;
    }

    static long or0(Long v) {
        return v == null ? 0 : v;
    }

    /**
     * Metadata carries identifiers (a trace id, a feature name, a region), never text: no spaces, so no sentence of a
     * prompt or completion fits, and keys that name such text are refused outright.
     */
    static final String METADATA_KEY = "(?!(prompt|completion|messages?|content|text|input|output|response|system|"
            + "instructions?)$)[a-z][a-z0-9_]{0,63}";
    static final String METADATA_VALUE = "[A-Za-z0-9._:/@+=-]{1,128}";

    long input() {
        return inputTokens == null ? 0 : inputTokens;
    }

    long output() {
        return outputTokens == null ? 0 : outputTokens;
    }

    long cached() {
        return cachedTokens == null ? 0 : cachedTokens;
    }

    int tools() {
        return toolCalls == null ? 0 : toolCalls;
    }
}
