package io.accrue.usage.rating;

import java.math.BigDecimal;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * The per-dimension cost of events as stored ({@code usage_events.dimensions}, {@code usage_daily.dimensions}):
 * {@code {"<dimension>": {"quantity": n, "cost": c}}}, summed per dimension when events are rolled up. Pure.
 */
public final class CostParts {

    private static final ObjectMapper PLAIN = new ObjectMapper();

    private CostParts() {
    }

    /** Adds {@code parts} into {@code into}, dimension by dimension. */
    public static void add(Map<String, Rating.Part> into, Collection<Rating.Part> parts) {
        for (Rating.Part p : parts) {
            into.merge(p.dimension(), p, (a, b) -> new Rating.Part(a.dimension(), a.quantity() + b.quantity(),
                    a.cost().add(b.cost())));
        }
    }

    public static Map<String, Rating.Part> sum(Collection<Rating.Part> parts) {
        Map<String, Rating.Part> out = new TreeMap<>();
        add(out, parts);
        return out;
    }

    /** The stored form; {@code {}} for none (an unpriced event). */
    public static String json(Collection<Rating.Part> parts) {
        Map<String, Map<String, Object>> out = new TreeMap<>();
        sum(parts).forEach((k, p) -> out.put(k, Map.of("quantity", p.quantity(), "cost", p.cost())));
        try {
            return PLAIN.writeValueAsString(out);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException(e);
        }
    }

    /** Whether a dimension key names tokens ({@code tokens}), a unit ({@code units}) or the request fee. */
    public static String kind(String dimension) {
        if (Rating.REQUEST.equals(dimension)) {
            return "requests";
        }
        return dimension.startsWith(Rating.UNIT_PREFIX) ? "units" : "tokens";
    }

    public static BigDecimal cost(List<Rating.Part> parts) {
        return parts.stream().map(Rating.Part::cost).reduce(BigDecimal.ZERO, BigDecimal::add);
    }
}
