package io.accrue.usage.pricing;

import java.util.Optional;

/** The provider's processing tier a call ran on (OpenAI's and Gemini's {@code service_tier}). */
public enum ServiceTier {
    STANDARD("standard"), BATCH("batch"), PRIORITY("priority"), FLEX("flex");

    private final String wireName;

    ServiceTier(String wireName) {
        this.wireName = wireName;
    }

    public String wireName() {
        return wireName;
    }

    /**
     * The tier a gateway names: ours, or the providers' spellings ({@code default}/{@code auto}/
     * {@code standard_only} are standard; {@code scale} is OpenAI's former name for priority).
     */
    public static Optional<ServiceTier> parse(String s) {
        if (s == null) {
            return Optional.of(STANDARD);
        }
        return switch (s.strip().toLowerCase(java.util.Locale.ROOT)) {
            case "standard", "default", "auto", "standard_only", "on_demand" -> Optional.of(STANDARD);
            case "batch", "batches" -> Optional.of(BATCH);
            case "priority", "scale" -> Optional.of(PRIORITY);
            case "flex" -> Optional.of(FLEX);
            default -> Optional.empty();
        };
    }
}
