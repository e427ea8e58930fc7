package io.accrue.usage.rating;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.Map;

import io.accrue.usage.pricing.Prices;

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

    public static BigDecimal cost(Prices p, long inputTokens, long outputTokens, long cachedTokens,
            Map<String, Long> units) {
        long uncached = inputTokens - cachedTokens;
        BigDecimal tokens = p.inputPerMillion().multiply(BigDecimal.valueOf(uncached))
                .add(p.cachedInputPerMillion().multiply(BigDecimal.valueOf(cachedTokens)))
                .add(p.outputPerMillion().multiply(BigDecimal.valueOf(outputTokens)))
                .movePointLeft(6); // ÷ 1,000,000: exact, the same value divide(MILLION) gives, without a division
        BigDecimal total = tokens.add(p.perRequest());
        if (units != null) {
            for (var u : units.entrySet()) {
                BigDecimal price = p.unitPrices().get(u.getKey());
                if (price != null) {
                    total = total.add(price.multiply(BigDecimal.valueOf(u.getValue())));
                }
            }
        }
        return total.setScale(SCALE, RoundingMode.HALF_UP);
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
