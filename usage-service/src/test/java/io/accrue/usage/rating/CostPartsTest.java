package io.accrue.usage.rating;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.math.BigDecimal;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import io.accrue.usage.pricing.Prices;
import io.accrue.usage.pricing.ServiceTier;

/**
 * What each dimension of an event cost (billing-rules "Rating usage" rule 11a): keyed by the price key as it applied
 * (service tier, context tier), and always summing exactly to the event's cost at 12 places.
 */
class CostPartsTest {

    private static final Prices SHEET = new Prices(null, "m", "USD", Map.of("input", dec("3"), "output", dec("15"),
            "cache_read", dec("0.3"), "cache_write", dec("3.75"), "cache_write_1h", dec("6"), "input>200000",
            dec("6"), "output>200000", dec("22.5"), "batch:input", dec("1.5"), "batch:output", dec("7.5")),
            dec("0.0001"), Map.of("web_search_medium", dec("0.01")));

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
            // case | input, output, cache read, write 5m, write 1h | tier | units | expected parts (dimension=cost)
            "cached call | 65000,800,50000,3000,2000 | STANDARD | 0 | input=0.03 cache_read=0.015 cache_write=0.01125 cache_write_1h=0.012 output=0.012 request=0.0001",
            "long prompt | 250000,1000,0,0,0 | STANDARD | 0 | input>200000=1.5 output>200000=0.0225 request=0.0001",
            "batch | 7000,900,0,0,0 | BATCH | 2 | batch:input=0.0105 batch:output=0.00675 request=0.0001 unit.batch:web_search_medium=0.02",
    })
    void eachPartAtItsPriceAndTheyAddUpToTheCost(String name, String tokens, ServiceTier tier, long searches,
            String expected) {
        long[] t = java.util.Arrays.stream(tokens.split(",")).mapToLong(Long::parseLong).toArray();
        Metered m = new Metered(t[0], t[1], t[2], t[3], t[4], 0, 0, 0, 0, 0, tier,
                searches == 0 ? Map.of() : Map.of("web_search_medium", searches));
        Rating.Rated r = Rating.rate(SHEET, m);
        Map<String, BigDecimal> want = new TreeMap<>();
        for (String kv : expected.split(" ")) {
            want.put(kv.split("=")[0], dec(kv.split("=")[1]).setScale(12));
        }
        Map<String, BigDecimal> got = new TreeMap<>();
        r.parts().forEach(p -> got.put(p.dimension(), p.cost()));
        assertEquals(want, got, name);
        assertEquals(r.cost(), CostParts.cost(r.parts()), name);
    }

    /** Three parts each half a unit of the 12th place: rounded up each, the largest gives back what they gained. */
    @Test
    void whatRoundingsLeaveGoesToTheLargestPart() {
        List<Rating.Part> exact = List.of(new Rating.Part("input", 1, dec("0.0000000000005")),
                new Rating.Part("output", 1, dec("0.0000000000025")),
                new Rating.Part("cache_read", 1, dec("0.0000000000005")));
        BigDecimal cost = dec("0.0000000000035").setScale(12, java.math.RoundingMode.HALF_UP); // 0.000000000004
        List<Rating.Part> parts = Rating.parts(exact, cost);
        assertEquals(cost, CostParts.cost(parts));
        assertEquals(dec("0.000000000001"), parts.get(0).cost());
        assertEquals(dec("0.000000000002"), parts.get(1).cost()); // 0.000000000003 rounded, less the 1 gained
        assertEquals(dec("0.000000000001"), parts.get(2).cost());
    }

    @Test
    void anUnpricedEventHasNoParts() {
        Prices images = new Prices(null, "img", "USD", Map.of(), BigDecimal.ZERO, Map.of("image", dec("0.04")));
        Rating.Rated r = Rating.rate(images, Metered.tokens(100, 0, 0));
        assertEquals(List.of("input tokens"), r.unpriced());
        assertEquals(List.of(), r.parts());
        assertEquals("{}", CostParts.json(r.parts()));
        assertEquals("units", CostParts.kind("unit.image"));
        assertEquals("requests", CostParts.kind("request"));
        assertEquals("tokens", CostParts.kind("batch:input>200000"));
    }

    private static BigDecimal dec(String s) {
        return new BigDecimal(s);
    }
}
