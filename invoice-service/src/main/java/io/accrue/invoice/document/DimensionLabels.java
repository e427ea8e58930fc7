package io.accrue.invoice.document;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.Map;

/**
 * How a priced dimension reads on an invoice document: {@code batch:cache_write_1h>200000} is "Cache writes (1 h),
 * batch, prompts above 200000 tokens". Pure; the keys are usage-service's price keys (billing-rules "Rating usage").
 */
public final class DimensionLabels {

    private static final Map<String, String> NAMES = Map.ofEntries(Map.entry("input", "Input tokens"),
            Map.entry("output", "Output tokens"), Map.entry("cache_read", "Cache reads"),
            Map.entry("cache_write", "Cache writes (5 min)"), Map.entry("cache_write_1h", "Cache writes (1 h)"),
            Map.entry("audio_input", "Audio input tokens"), Map.entry("audio_output", "Audio output tokens"),
            Map.entry("image_input", "Image input tokens"), Map.entry("image_output", "Image output tokens"),
            Map.entry("reasoning", "Reasoning tokens"), Map.entry("tokens", "Tokens (recorded before the split)"),
            Map.entry("request", "Request fees"));

    private DimensionLabels() {
    }

    public static String label(String dimension) {
        String rest = dimension;
        String unit = null;
        if (rest.startsWith("unit.")) {
            rest = rest.substring("unit.".length());
            unit = "";
        }
        String tier = null;
        int colon = rest.indexOf(':');
        if (colon > 0) {
            tier = rest.substring(0, colon);
            rest = rest.substring(colon + 1);
        }
        String above = null;
        int gt = rest.indexOf('>');
        if (gt > 0) {
            above = rest.substring(gt + 1);
            rest = rest.substring(0, gt);
        }
        String name = unit != null ? rest.replace('_', ' ') + " (units)" : NAMES.getOrDefault(rest, rest);
        return name + (tier == null ? "" : ", " + tier) + (above == null ? "" : ", prompts above " + above + " tokens");
    }

    /** A dimension's exact amount as a document shows it: to 6 places, at least 2, half-up (the line rounds). */
    public static String amount(BigDecimal exact) {
        BigDecimal six = exact.setScale(6, RoundingMode.HALF_UP).stripTrailingZeros();
        return (six.scale() < 2 ? six.setScale(2) : six).toPlainString();
    }
}
