package io.accrue.usage.pricing;

import java.util.List;
import java.util.Optional;

/**
 * The token kinds a price version can price per million tokens, each with the dimension whose price applies when
 * it has none of its own (so a part of a prompt is never free: an unpriced cache write costs input, unpriced
 * reasoning costs output, as the providers bill them).
 */
public enum TokenDimension {
    INPUT("input", null), OUTPUT("output", null), CACHE_READ("cache_read", INPUT), CACHE_WRITE("cache_write",
            INPUT), CACHE_WRITE_1H("cache_write_1h", CACHE_WRITE), AUDIO_INPUT("audio_input",
                    INPUT), AUDIO_OUTPUT("audio_output", OUTPUT), IMAGE_INPUT("image_input",
                            INPUT), IMAGE_OUTPUT("image_output", OUTPUT), REASONING("reasoning", OUTPUT);

    private final String wireName;
    private final TokenDimension fallback;

    TokenDimension(String wireName, TokenDimension fallback) {
        this.wireName = wireName;
        this.fallback = fallback;
    }

    public String wireName() {
        return wireName;
    }

    /** This dimension, then the ones whose price applies in its absence, in order. */
    public List<TokenDimension> chain() {
        return fallback == null
                ? List.of(this)
                : java.util.stream.Stream.concat(
                        java.util.stream.Stream.of(this), fallback.chain().stream()).toList();
    }

    public static Optional<TokenDimension> parse(String name) {
        for (TokenDimension d : values()) {
            if (d.wireName.equals(name)) {
                return Optional.of(d);
            }
        }
        return Optional.empty();
    }
}
