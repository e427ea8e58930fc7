package io.accrue.usage.rating;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.math.BigDecimal;
import java.util.Map;
import java.util.UUID;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import io.accrue.usage.pricing.Prices;

class RatingTest {

    private static Prices prices(String in, String out, String cached, String perRequest) {
        return new Prices(UUID.randomUUID(), "m", "USD", new BigDecimal(in), new BigDecimal(out),
                new BigDecimal(cached), new BigDecimal(perRequest), Map.of("image", new BigDecimal("0.04")));
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource({
            // case, in/M, out/M, cached/M, per request, input, output, cached, images, expected cost
            "gpt-4o one call,           2.50, 10.00, 1.25, 0,     1000, 500, 0,   0, 0.007500000000",
            "cached part at cached rate,2.50, 10.00, 1.25, 0,     1000, 0,   400, 0, 0.002000000000",
            "all cached,                2.50, 10.00, 1.25, 0,     1000, 0,   1000,0, 0.001250000000",
            "zero tokens pays fee only, 2.50, 10.00, 1.25, 0.002, 0,    0,   0,   0, 0.002000000000",
            "images priced per unit,    0,    0,     0,    0,     0,    0,   0,   3, 0.120000000000",
            "one token at tiny price,   0.000001, 0, 0,    0,     1,    0,   0,   0, 0.000000000001",
            "half-up at 12 places,      0.0000005, 0, 0,   0,     1,    0,   0,   0, 0.000000000001",
            "below half rounds down,    0.0000004, 0, 0,   0,     1,    0,   0,   0, 0.000000000000",
    })
    void costFromThePriceVersion(String name, String in, String out, String cached, String perRequest, long input,
            long output, long cachedTokens, long images, String expected) {
        BigDecimal cost = Rating.cost(prices(in, out, cached, perRequest), input, output, cachedTokens,
                images == 0 ? Map.of() : Map.of("image", images, "unpriced_unit", 5L));
        assertEquals(new BigDecimal(expected), cost);
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource({
            "no markup,                 markup, 0,  0,    1.000000000000, 1.000000000000",
            "30% markup,                markup, 30, 0,    1.000000000000, 1.300000000000",
            "markup plus fee,           markup, 20, 0.01, 0.500000000000, 0.610000000000",
            "fee only on a free call,   markup, 50, 0.01, 0.000000000000, 0.010000000000",
            "30% target margin,         margin, 30, 0,    0.700000000000, 1.000000000000",
            "margin is not markup,      margin, 30, 0,    1.000000000000, 1.428571428571",
            "50% margin doubles,        margin, 50, 0,    0.123456789012, 0.246913578024",
            "margin plus fee,           margin, 20, 0.05, 0.800000000000, 1.050000000000",
    })
    void revenueFromTheRatePlan(String name, String kind, String percent, String fee, String cost, String expected) {
        Rating.Pricing pricing = kind.equals("markup")
                ? Rating.Markup.ofPercent(new BigDecimal(percent), new BigDecimal(fee))
                : Rating.TargetMargin.ofPercent(new BigDecimal(percent), new BigDecimal(fee));
        assertEquals(new BigDecimal(expected), Rating.revenue(new BigDecimal(cost), pricing));
    }

    /** cost() moves the decimal point instead of dividing by a million: the very same result, digit for digit. */
    @org.junit.jupiter.api.Test
    void costEqualsTheDivisionByAMillionItReplaced() {
        java.util.Random random = new java.util.Random(42);
        for (int i = 0; i < 20_000; i++) {
            Prices p = prices(decimal(random), decimal(random), decimal(random), decimal(random));
            long input = random.nextLong(100_000_001), cached = random.nextLong(input + 1),
                    output = random.nextLong(100_000_001), images = random.nextLong(1_000_001);
            BigDecimal reference = p.inputPerMillion().multiply(BigDecimal.valueOf(input - cached))
                    .add(p.cachedInputPerMillion().multiply(BigDecimal.valueOf(cached)))
                    .add(p.outputPerMillion().multiply(BigDecimal.valueOf(output)))
                    .divide(BigDecimal.valueOf(1_000_000)).add(p.perRequest())
                    .add(p.unitPrices().get("image").multiply(BigDecimal.valueOf(images)))
                    .setScale(Rating.SCALE, java.math.RoundingMode.HALF_UP);
            assertEquals(reference, Rating.cost(p, input, output, cached, Map.of("image", images)));
        }
    }

    /** A price with 0–6 integer digits and 0–12 decimals, as price versions store them. */
    private static String decimal(java.util.Random random) {
        return BigDecimal.valueOf(random.nextLong(1_000_000_000_000_000L), 12)
                .movePointLeft(random.nextInt(7)).setScale(12, java.math.RoundingMode.DOWN).toPlainString();
    }

    @org.junit.jupiter.api.Test
    void aMarginOfAHundredPercentIsRefused() {
        assertThrows(IllegalArgumentException.class,
                () -> Rating.TargetMargin.ofPercent(new BigDecimal("100"), BigDecimal.ZERO));
    }
}
