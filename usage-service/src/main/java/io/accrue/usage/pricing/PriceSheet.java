package io.accrue.usage.pricing;

import java.math.BigDecimal;
import java.util.Map;

/**
 * How a price is found in a version for a call (pure; table-tested in {@code PriceSheetTest}).
 *
 * <p>
 * <b>Context tier</b>: the largest threshold {@code N} of any {@code …>N} key of the version that the call's
 * prompt ({@code inputTokens}, cache reads and writes included) exceeds; 0 when none. Above it, every token of
 * the call is priced at the tier's prices, as Anthropic and Google bill long prompts.
 *
 * <p>
 * <b>Lookup</b> of a dimension for service tier {@code S} and context tier {@code N}, first found wins:
 * {@code S:d>N}, {@code d>N}, {@code S:d}, {@code d}, then the same for each fallback dimension
 * ({@link TokenDimension#chain()}). A service tier the version does not price is billed at the standard price
 * (the provider's list price; never less).
 */
public final class PriceSheet {

    private PriceSheet() {
    }

    public static long contextTier(Prices p, long inputTokens) {
        long tier = 0;
        tier = Math.max(tier, highestBelow(p.tokenPrices(), inputTokens));
        tier = Math.max(tier, highestBelow(p.unitPrices(), inputTokens));
        return tier;
    }

    public static BigDecimal tokenPrice(Prices p, TokenDimension d, ServiceTier tier, long above) {
        for (TokenDimension candidate : d.chain()) {
            BigDecimal v = find(p.tokenPrices(), candidate.wireName(), tier, above);
            if (v != null) {
                return v;
            }
        }
        return null;
    }

    public static BigDecimal unitPrice(Prices p, String unit, ServiceTier tier, long above) {
        return find(p.unitPrices(), unit, tier, above);
    }

    private static BigDecimal find(Map<String, BigDecimal> prices, String name, ServiceTier tier, long above) {
        boolean tiered = tier != ServiceTier.STANDARD;
        if (above > 0) {
            if (tiered) {
                BigDecimal v = prices.get(PriceKey.of(tier, name, above));
                if (v != null) {
                    return v;
                }
            }
            BigDecimal v = prices.get(PriceKey.of(ServiceTier.STANDARD, name, above));
            if (v != null) {
                return v;
            }
        }
        if (tiered) {
            BigDecimal v = prices.get(PriceKey.of(tier, name, 0));
            if (v != null) {
                return v;
            }
        }
        return prices.get(name);
    }

    private static long highestBelow(Map<String, BigDecimal> prices, long inputTokens) {
        long best = 0;
        for (String k : prices.keySet()) {
            int gt = k.indexOf('>');
            if (gt > 0) {
                long n = Long.parseLong(k.substring(gt + 1));
                if (n < inputTokens && n > best) {
                    best = n;
                }
            }
        }
        return best;
    }
}
