package io.accrue.usage.rating;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import io.accrue.usage.pricing.PriceSheet;
import io.accrue.usage.pricing.Prices;
import io.accrue.usage.pricing.ServiceTier;

/**
 * Pure rating math (no CDI, no JPA). Cost and revenue keep 12 decimal places, rounded half-up once each;
 * rounding to the currency's minor unit happens only on the invoice line.
 *
 * <p>
 * {@code inputTokens} are all prompt tokens (as OpenAI's {@code prompt_tokens}); {@code cachedTokens} is the part
 * of them read from the provider's cache, billed at the cached-input price instead of the input price.
 */
public final class Rating {

    public static final int SCALE = 12;
    static final BigDecimal HUNDRED = BigDecimal.valueOf(100);

    private Rating() {
    }

    /** How a rate plan turns provider cost into revenue, each named for what it is. */
    public sealed interface Pricing permits Markup, TargetMargin {
        BigDecimal feePerRequest();
    }

    /** revenue = cost × (1 + percent / 100) + fee per request. */
    public record Markup(BigDecimal percent, BigDecimal feePerRequest) implements Pricing {}

    /** revenue = cost / (1 − percent / 100) + fee per request: the margin is a share of revenue, not of cost. */
    public record TargetMargin(BigDecimal percent, BigDecimal feePerRequest) implements Pricing {
        public TargetMargin {
            if (percent.signum() < 0 || percent.compareTo(HUNDRED) >= 0) {
                throw new IllegalArgumentException("a target margin is in [0, 100)");
            }
        }
    }

    /** The cost of an event, or the dimensions it used that the version does not price (then it is unpriced). */
    public record Rated(BigDecimal cost, List<String> unpriced) {
        public boolean priced() {
            return unpriced.isEmpty();
        }
    }

    /** The input, output and cached-input case (kept for callers that meter nothing else). */
    public static BigDecimal cost(Prices p, long inputTokens, long outputTokens, long cachedTokens,
            Map<String, Long> units) {
        Map<String, Long> priced = new java.util.TreeMap<>();
        if (units != null) {
            units.forEach((k, v) -> {
                if (PriceSheet.unitPrice(p, k, ServiceTier.STANDARD, 0) != null) {
                    priced.put(k, v);
                }
            });
        }
        Metered m = new Metered(inputTokens, outputTokens, cachedTokens, 0, 0, 0, 0, 0, 0, 0, ServiceTier.STANDARD,
                priced);
        return rate(p, m).cost();
    }

    /**
     * cost = Σ over token dimensions (tokens × price per million) / 1,000,000 + perRequest + Σ units × unit price,
     * each price looked up by {@link PriceSheet#tokenPrice} for the event's service tier and context tier; 12
     * decimal places, half-up, once.
     */
    public static Rated rate(Prices p, Metered m) {
        long above = PriceSheet.contextTier(p, m.inputTokens());
        BigDecimal tokens = BigDecimal.ZERO;
        List<String> missing = new ArrayList<>();
        for (var e : m.byDimension().entrySet()) {
            if (e.getValue() == 0) {
                continue;
            }
            BigDecimal price = PriceSheet.tokenPrice(p, e.getKey(), m.serviceTier(), above);
            if (price == null) {
                missing.add(e.getKey().wireName() + " tokens");
            } else {
                tokens = tokens.add(price.multiply(BigDecimal.valueOf(e.getValue())));
            }
        }
        // ÷ 1,000,000: exact, the same value divide(MILLION) gives, without a division
        BigDecimal total = tokens.movePointLeft(6).add(p.perRequest());
        for (var u : new java.util.TreeMap<>(m.units()).entrySet()) {
            if (u.getValue() == 0) {
                continue;
            }
            BigDecimal price = PriceSheet.unitPrice(p, u.getKey(), m.serviceTier(), above);
            if (price == null) {
                missing.add("unit " + u.getKey());
            } else {
                total = total.add(price.multiply(BigDecimal.valueOf(u.getValue())));
            }
        }
        return new Rated(total.setScale(SCALE, RoundingMode.HALF_UP), List.copyOf(missing));
    }

    public static BigDecimal revenue(BigDecimal cost, Pricing pricing) {
        BigDecimal priced = switch (pricing) {
            case Markup m -> cost.multiply(BigDecimal.ONE.add(m.percent().divide(HUNDRED)));
            case TargetMargin t -> cost.divide(BigDecimal.ONE.subtract(t.percent().divide(HUNDRED)), SCALE + 6,
                    RoundingMode.HALF_UP);
        };
        return priced.add(pricing.feePerRequest()).setScale(SCALE, RoundingMode.HALF_UP);
    }
}
