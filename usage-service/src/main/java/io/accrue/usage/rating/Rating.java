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

    /**
     * revenue = cost × (1 + markupFraction) + fee per request. Markup is a fraction in code across the suite (0.20
     * is 20 %, as invoice-service's {@code llm-markup}); rate plans publish and store it as a percent
     * ({@code markupPercent}, {@code markup_percent}), converted once by {@link #ofPercent}.
     */
    public record Markup(BigDecimal markupFraction, BigDecimal feePerRequest) implements Pricing {
        public static Markup ofPercent(BigDecimal markupPercent, BigDecimal feePerRequest) {
            return new Markup(markupPercent.divide(HUNDRED), feePerRequest);
        }
    }

    /**
     * revenue = cost / (1 − marginFraction) + fee per request: the margin is a share of revenue, not of cost. A
     * fraction like {@link Markup}'s; rate plans publish it as a percent ({@code targetMarginPercent}).
     */
    public record TargetMargin(BigDecimal marginFraction, BigDecimal feePerRequest) implements Pricing {
        public TargetMargin {
            if (marginFraction.signum() < 0 || marginFraction.compareTo(BigDecimal.ONE) >= 0) {
                throw new IllegalArgumentException("a target margin is in [0, 100) percent");
            }
        }

        public static TargetMargin ofPercent(BigDecimal marginPercent, BigDecimal feePerRequest) {
            return new TargetMargin(marginPercent.divide(HUNDRED), feePerRequest);
        }
    }

    /**
     * The cost of an event, or the dimensions it used that the version does not price (then it is unpriced), and
     * what each priced dimension cost: {@code parts} sum exactly to {@code cost} (see {@link #parts}).
     */
    public record Rated(BigDecimal cost, List<String> unpriced, List<Part> parts) {
        public Rated {
            parts = parts == null ? List.of() : List.copyOf(parts);
        }

        public boolean priced() {
            return unpriced.isEmpty();
        }
    }

    /** The dimension key of the flat per-request price (billing-rules "Rating usage" rule 3). */
    public static final String REQUEST = "request";
    /** Prefix of a unit's dimension key, so a unit never shares a key with a token dimension. */
    public static final String UNIT_PREFIX = "unit.";

    /**
     * What one dimension of an event cost. {@code dimension} is the price key as it applied to the event:
     * {@code [<tier>:]<token dimension>[>N]} for tokens ({@code input}, {@code cache_write_1h},
     * {@code input>200000}, {@code batch:output}), {@code unit.<name>[>N]} for units, {@code request} for the
     * per-request price; so a reader sees long-context and service-tier tokens apart from standard ones.
     */
    public record Part(String dimension, long quantity, BigDecimal cost) {}

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
        String tier = m.serviceTier() == ServiceTier.STANDARD ? "" : m.serviceTier().wireName() + ":";
        String context = above > 0 ? ">" + above : "";
        List<Part> exact = new ArrayList<>();
        List<String> missing = new ArrayList<>();
        for (var e : m.byDimension().entrySet()) {
            if (e.getValue() == 0) {
                continue;
            }
            BigDecimal price = PriceSheet.tokenPrice(p, e.getKey(), m.serviceTier(), above);
            if (price == null) {
                missing.add(e.getKey().wireName() + " tokens");
            } else {
                // ÷ 1,000,000: exact, the same value divide(MILLION) gives, without a division
                exact.add(new Part(tier + e.getKey().wireName() + context, e.getValue(),
                        price.multiply(BigDecimal.valueOf(e.getValue())).movePointLeft(6)));
            }
        }
        if (p.perRequest().signum() != 0) {
            exact.add(new Part(REQUEST, 1, p.perRequest()));
        }
        for (var u : new java.util.TreeMap<>(m.units()).entrySet()) {
            if (u.getValue() == 0) {
                continue;
            }
            BigDecimal price = PriceSheet.unitPrice(p, u.getKey(), m.serviceTier(), above);
            if (price == null) {
                missing.add("unit " + u.getKey());
            } else {
                exact.add(new Part(UNIT_PREFIX + tier + u.getKey() + context, u.getValue(),
                        price.multiply(BigDecimal.valueOf(u.getValue()))));
            }
        }
        BigDecimal total = exact.stream().map(Part::cost).reduce(BigDecimal.ZERO, BigDecimal::add);
        BigDecimal cost = total.setScale(SCALE, RoundingMode.HALF_UP);
        return new Rated(cost, List.copyOf(missing), missing.isEmpty() ? parts(exact, cost) : List.of());
    }

    /**
     * The exact parts at 12 places summing exactly to the event's cost: each is rounded half-up, and what the
     * roundings leave (at most half a unit of the 12th place per part) goes to the largest part, so a summary's
     * dimensions always add up to its cost and the invoice can show them without a rounding of its own.
     */
    static List<Part> parts(List<Part> exact, BigDecimal cost) {
        List<Part> rounded = new ArrayList<>(exact.size());
        int largest = -1;
        BigDecimal sum = BigDecimal.ZERO;
        for (Part x : exact) {
            BigDecimal c = x.cost().setScale(SCALE, RoundingMode.HALF_UP);
            rounded.add(new Part(x.dimension(), x.quantity(), c));
            sum = sum.add(c);
            if (largest < 0 || c.compareTo(rounded.get(largest).cost()) > 0) {
                largest = rounded.size() - 1;
            }
        }
        BigDecimal rest = cost.subtract(sum);
        if (largest >= 0 && rest.signum() != 0) {
            Part l = rounded.get(largest);
            rounded.set(largest, new Part(l.dimension(), l.quantity(), l.cost().add(rest)));
        }
        return List.copyOf(rounded);
    }

    public static BigDecimal revenue(BigDecimal cost, Pricing pricing) {
        BigDecimal priced = switch (pricing) {
            case Markup m -> cost.multiply(BigDecimal.ONE.add(m.markupFraction()));
            case TargetMargin t -> cost.divide(BigDecimal.ONE.subtract(t.marginFraction()), SCALE + 6,
                    RoundingMode.HALF_UP);
        };
        return priced.add(pricing.feePerRequest()).setScale(SCALE, RoundingMode.HALF_UP);
    }
}
