package io.accrue.usage.pricing;

import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The name of one price in a version: {@code [<serviceTier>:]<dimension>[>N]}. {@code input} is the standard
 * input price, {@code input>200000} the input price of a call whose prompt is above 200,000 tokens (a context
 * tier, as LiteLLM's {@code input_cost_per_token_above_200k_tokens}), {@code batch:output} the batch-tier output
 * price, {@code priority:cache_read>272000} both. Plain data, no JPA.
 */
public record PriceKey(ServiceTier tier, String dimension, long above) {

    /** The syntax, for validation messages and bean-validation patterns. */
    public static final String SYNTAX = "((batch|priority|flex):)?[a-z][a-z0-9_]*(>[1-9][0-9]{0,9})?";
    private static final Pattern PATTERN = Pattern
            .compile("(?:(batch|priority|flex):)?([a-z][a-z0-9_]*)(?:>([1-9][0-9]{0,9}))?");

    public static Optional<PriceKey> parse(String key) {
        if (key == null) {
            return Optional.empty();
        }
        Matcher m = PATTERN.matcher(key);
        if (!m.matches()) {
            return Optional.empty();
        }
        ServiceTier tier = m.group(1) == null ? ServiceTier.STANDARD : ServiceTier.parse(m.group(1)).orElseThrow();
        return Optional.of(new PriceKey(tier, m.group(2), m.group(3) == null ? 0 : Long.parseLong(m.group(3))));
    }

    public static String of(ServiceTier tier, String dimension, long above) {
        return new PriceKey(tier, dimension, above).toString();
    }

    @Override
    public String toString() {
        return (tier == ServiceTier.STANDARD ? "" : tier.wireName() + ":") + dimension + (above > 0 ? ">" + above : "");
    }
}
