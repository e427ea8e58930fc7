package io.accrue.console.format;

import java.util.Map;

/**
 * Readable names for the keys the services put on the wire (usage-service's price dimensions, invoice-service's line
 * types), so a billing admin reads "Cache write (1 h)" where the API says {@code cache_write_1h}. A key this does not
 * know is shown as it is: a new dimension is never hidden or renamed wrongly.
 */
public final class Labels {

    private static final Map<String, String> DIMENSIONS = Map.ofEntries(Map.entry("input", "Input tokens"),
            Map.entry("output", "Output tokens"), Map.entry("cache_read", "Cached input (cache read)"),
            Map.entry("cache_write", "Cache write (5 min)"), Map.entry("cache_write_1h", "Cache write (1 h)"),
            Map.entry("audio_input", "Audio input tokens"), Map.entry("audio_output", "Audio output tokens"),
            Map.entry("image_input", "Image input tokens"), Map.entry("image_output", "Image output tokens"),
            Map.entry("reasoning", "Reasoning tokens"), Map.entry("request", "Request fee"));

    private static final Map<String, String> LINE_TYPES = Map.ofEntries(Map.entry("base_fee", "Base fee"),
            Map.entry("overage", "Overage"), Map.entry("llm_usage", "Model usage"),
            Map.entry("late_usage", "Late usage"),
            Map.entry("commitment_true_up", "Commitment true-up"), Map.entry("minimum_top_up", "Minimum top-up"),
            Map.entry("coupon_discount", "Coupon"), Map.entry("prepaid_credit", "Prepaid credits"),
            Map.entry("credit_note", "Credit"), Map.entry("credits_returned", "Credits returned"));

    private Labels() {
    }

    /**
     * A price dimension: {@code input}, {@code batch:output} (a service tier), {@code input>200000} (above a context
     * threshold), {@code unit.<name>} (per unit).
     */
    public static String dimension(String key) {
        if (key == null || key.isBlank()) {
            return Formats.NONE;
        }
        int tier = key.indexOf(':');
        if (tier > 0) {
            return dimension(key.substring(tier + 1)) + ", " + key.substring(0, tier) + " tier";
        }
        int above = key.indexOf('>');
        if (above > 0) {
            return dimension(key.substring(0, above)) + " above " + Formats.number(key.substring(above + 1))
                    + " tokens of context";
        }
        if (key.startsWith("unit.") && key.length() > 5) {
            return key.substring(5).replace('_', ' ') + " (per unit)";
        }
        return DIMENSIONS.getOrDefault(key, key);
    }

    /** A contract commitment's period ({@code annual}, {@code whole_term}, …). */
    public static String commitmentPeriod(String period) {
        if (period == null || period.isBlank()) {
            return "";
        }
        return period.equals("whole_term") ? "whole-term" : period.replace('_', ' ');
    }

    /**
     * A decimal for a form field: the value without the service's trailing zeros ({@code 35.000000} reads
     * {@code 35}); empty when there is none. Never rounded, so saving the form unchanged keeps the value.
     */
    public static String plainDecimal(String value) {
        java.math.BigDecimal d = Formats.decimal(value);
        return d == null ? (value == null ? "" : value) : d.stripTrailingZeros().toPlainString();
    }

    /** An invoice line's type ({@code base_fee}, {@code overage}, …). */
    public static String lineType(String type) {
        if (type == null || type.isBlank()) {
            return Formats.NONE;
        }
        return LINE_TYPES.getOrDefault(type, type);
    }
}
