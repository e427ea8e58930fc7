package io.accrue.usage.pricing;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * The model-price JSON that LiteLLM (and the gateways built on it) maintain: one object per model key with
 * prices <em>per token</em> (or per image, second, character, page…). Accrue keeps token prices per million
 * tokens, so the conversion is an exact decimal shift by six places. Every price field maps to one
 * {@link PriceKey} and back ({@link #FIELDS}; the table is in docs/billing-rules.md), so an export gives back
 * the prices it imported. Fields that carry no price (context sizes, feature flags) are not kept, except the
 * key's spelling and {@code mode}.
 */
public final class LiteLlmFormat {

    static final BigDecimal MILLION = BigDecimal.valueOf(1_000_000);
    /**
     * Per-unit prices keep up to 18 decimal places, the precision of a per-token price (12 per million): LiteLLM
     * prices pixels at 1.58945719e-07 and seconds at 0.0002833333333333333. The cost is still rounded once, to 12.
     */
    static final int UNIT_SCALE = 18;

    /** A LiteLLM base price field: a token dimension (per token) or a unit (per unit). */
    record Field(String liteLlm, boolean perToken, String accrue) {}

    /** Base fields, without context-tier ({@code _above_200k_tokens}) or service-tier ({@code _priority}) suffix. */
    static final List<Field> FIELDS = List.of(
            new Field("input_cost_per_token", true, "input"),
            new Field("output_cost_per_token", true, "output"),
            new Field("cache_read_input_token_cost", true, "cache_read"),
            new Field("cache_creation_input_token_cost", true, "cache_write"),
            new Field("cache_creation_input_token_cost_above_1hr", true, "cache_write_1h"),
            new Field("input_cost_per_audio_token", true, "audio_input"),
            new Field("output_cost_per_audio_token", true, "audio_output"),
            new Field("input_cost_per_image_token", true, "image_input"),
            new Field("output_cost_per_image_token", true, "image_output"),
            new Field("output_cost_per_reasoning_token", true, "reasoning"),
            new Field("output_cost_per_image", false, "image"),
            new Field("input_cost_per_image", false, "input_image"),
            new Field("input_cost_per_pixel", false, "input_pixel"),
            new Field("output_cost_per_pixel", false, "output_pixel"),
            new Field("input_cost_per_second", false, "input_second"),
            new Field("output_cost_per_second", false, "output_second"),
            new Field("input_cost_per_audio_per_second", false, "audio_second"),
            new Field("input_cost_per_video_per_second", false, "input_video_second"),
            new Field("output_cost_per_video_per_second", false, "output_video_second"),
            new Field("input_cost_per_character", false, "input_character"),
            new Field("output_cost_per_character", false, "output_character"),
            new Field("input_cost_per_query", false, "query"),
            new Field("ocr_cost_per_page", false, "page"),
            new Field("annotation_cost_per_page", false, "annotation_page"),
            new Field("code_interpreter_cost_per_session", false, "code_interpreter_session"),
            new Field("tool_call_cost", false, "tool_call"));

    /** LiteLLM's synonym of {@code cache_read_input_token_cost} (DeepSeek entries); read as cache_read. */
    static final String CACHE_HIT = "input_cost_per_token_cache_hit";
    static final String PER_REQUEST = "input_cost_per_request";
    /** Web search per query by search context size: units {@code web_search_low|medium|high}. */
    static final String WEB_SEARCH = "search_context_cost_per_query";
    static final Map<String, String> WEB_SEARCH_SIZES = Map.of(
            "search_context_size_low", "web_search_low",
            "search_context_size_medium", "web_search_medium",
            "search_context_size_high", "web_search_high");

    private static final Map<String, Field> BY_LITELLM = new LinkedHashMap<>();
    private static final Map<String, Field> BY_ACCRUE_TOKEN = new LinkedHashMap<>();
    private static final Map<String, Field> BY_ACCRUE_UNIT = new LinkedHashMap<>();
    static {
        for (Field f : FIELDS) {
            BY_LITELLM.put(f.liteLlm(), f);
            (f.perToken() ? BY_ACCRUE_TOKEN : BY_ACCRUE_UNIT).put(f.accrue(), f);
        }
    }

    private static final Pattern TIER_SUFFIX = Pattern.compile("(.*)_(batches|priority|flex)");
    private static final Pattern CONTEXT_SUFFIX = Pattern.compile("(.*)_above_([0-9]+)(k?)_tokens");

    private LiteLlmFormat() {
    }

    /** One importable entry: the key as LiteLLM spells it, its prices, and price fields Accrue does not apply. */
    public record Entry(String key, String modelId, String provider, String mode, Map<String, BigDecimal> tokenPrices,
            Map<String, BigDecimal> unitPrices, BigDecimal perRequest, List<String> ignoredFields) {

        /** input, output and cache_read per million (the columns of a version); null when not priced. */
        BigDecimal token(String name) {
            return tokenPrices.get(name);
        }

        /** Token prices other than input, output and cache_read. */
        Map<String, BigDecimal> otherTokenPrices() {
            Map<String, BigDecimal> m = new TreeMap<>(tokenPrices);
            m.remove("input");
            m.remove("output");
            m.remove("cache_read");
            return m;
        }
    }

    public sealed interface Parsed permits Ok, Skip {
    }

    public record Ok(Entry entry) implements Parsed {}

    public record Skip(String reason) implements Parsed {}

    public static Parsed parse(String key, JsonNode node) {
        if ("sample_spec".equals(key)) {
            return new Skip("LiteLLM's documentation entry");
        }
        if (node == null || !node.isObject()) {
            return new Skip("not a model entry ("
                    + (node == null ? "null" : node.getNodeType().name().toLowerCase(Locale.ROOT)) + ")");
        }
        String provider = Optional.ofNullable(node.get("litellm_provider")).map(JsonNode::asText)
                .map(p -> p.strip().toLowerCase(Locale.ROOT)).orElse("");
        if (!provider.matches("[a-z0-9][a-z0-9_.-]*")) {
            return new Skip("no usable litellm_provider");
        }
        if (key.contains("*")) {
            return new Skip("a wildcard key names no model (a commitment or deployment pattern, not a price per use)");
        }
        Map<String, BigDecimal> tokens = new TreeMap<>();
        Map<String, BigDecimal> units = new TreeMap<>();
        List<String> ignored = new ArrayList<>();
        BigDecimal perRequest = null;
        try {
            for (var it = node.fields(); it.hasNext();) {
                var f = it.next();
                String name = f.getKey();
                if (WEB_SEARCH.equals(name)) {
                    if (!f.getValue().isObject()) {
                        throw new IllegalArgumentException(name + " is not an object");
                    }
                    for (var s = f.getValue().fields(); s.hasNext();) {
                        var size = s.next();
                        String unit = WEB_SEARCH_SIZES.get(size.getKey());
                        if (unit == null) {
                            ignored.add(name + "." + size.getKey());
                        } else {
                            units.put(unit, places(name, decimal(name, size.getValue()), UNIT_SCALE));
                        }
                    }
                    continue;
                }
                if (PER_REQUEST.equals(name)) {
                    perRequest = places(name, decimal(name, f.getValue()), 12);
                    continue;
                }
                if (CACHE_HIT.equals(name)) {
                    continue; // read below, after cache_read_input_token_cost
                }
                Optional<PriceKey> k = priceKey(name);
                if (k.isEmpty()) {
                    if (name.contains("cost") || name.contains("price")) {
                        ignored.add(name);
                    }
                    continue;
                }
                if (f.getValue() == null || f.getValue().isNull()) {
                    continue;
                }
                boolean perToken = BY_ACCRUE_TOKEN.containsKey(k.get().dimension());
                BigDecimal v = decimal(name, f.getValue());
                (perToken ? tokens : units).put(k.get().toString(),
                        perToken ? places(name, v.multiply(MILLION), 12) : places(name, v, UNIT_SCALE));
            }
            JsonNode hit = node.get(CACHE_HIT);
            if (hit != null && !hit.isNull()) {
                BigDecimal v = places(CACHE_HIT, decimal(CACHE_HIT, hit).multiply(MILLION), 12);
                BigDecimal read = tokens.putIfAbsent("cache_read", v);
                if (read != null && read.compareTo(v) != 0) {
                    ignored.add(CACHE_HIT);
                }
            }
        } catch (IllegalArgumentException e) {
            return new Skip(e.getMessage());
        }
        if (tokens.isEmpty() && units.isEmpty() && perRequest == null) {
            return new Skip(
                    ignored.isEmpty() ? "no price fields" : "only price fields Accrue does not apply: " + ignored);
        }
        String mode = node.hasNonNull("mode") ? node.get("mode").asText() : null;
        return new Ok(new Entry(key, key.strip().toLowerCase(Locale.ROOT), provider, mode, tokens, units, perRequest,
                List.copyOf(ignored)));
    }

    /** The Accrue key of a LiteLLM price field name, if it is one Accrue applies. */
    static Optional<PriceKey> priceKey(String field) {
        String rest = field;
        ServiceTier tier = ServiceTier.STANDARD;
        Matcher t = TIER_SUFFIX.matcher(rest);
        if (t.matches()) {
            tier = ServiceTier.parse(t.group(2)).orElseThrow();
            rest = t.group(1);
        }
        long above = 0;
        Matcher c = CONTEXT_SUFFIX.matcher(rest);
        if (c.matches()) {
            above = Long.parseLong(c.group(2)) * (c.group(3).isEmpty() ? 1 : 1000);
            rest = c.group(1);
        }
        Field base = BY_LITELLM.get(rest);
        return base == null ? Optional.empty() : Optional.of(new PriceKey(tier, base.accrue(), above));
    }

    /** The LiteLLM field name of an Accrue price key. */
    static Optional<String> fieldName(String key, boolean perToken) {
        Optional<PriceKey> k = PriceKey.parse(key);
        if (k.isEmpty()) {
            return Optional.empty();
        }
        Field base = (perToken ? BY_ACCRUE_TOKEN : BY_ACCRUE_UNIT).get(k.get().dimension());
        if (base == null) {
            return Optional.empty();
        }
        long above = k.get().above();
        String context = above == 0
                ? ""
                : above % 1000 == 0 ? "_above_" + above / 1000 + "k_tokens" : "_above_" + above + "_tokens";
        String tier = switch (k.get().tier()) {
            case STANDARD -> "";
            case BATCH -> "_batches";
            case PRIORITY -> "_priority";
            case FLEX -> "_flex";
        };
        return Optional.of(base.liteLlm() + context + tier);
    }

    /** A model's prices as a LiteLLM entry (per token, per unit). */
    public static ObjectNode toNode(String provider, String mode, Prices p) {
        JsonNodeFactory f = JsonNodeFactory.withExactBigDecimals(true);
        ObjectNode n = f.objectNode();
        n.put("litellm_provider", provider);
        if (mode != null) {
            n.put("mode", mode);
        }
        new TreeMap<>(p.tokenPrices()).forEach((key, perMillion) -> fieldName(key, true)
                .ifPresent(field -> n.set(field, f.numberNode(perToken(perMillion)))));
        ObjectNode search = f.objectNode();
        new TreeMap<>(p.unitPrices()).forEach((key, price) -> {
            String size = WEB_SEARCH_SIZES.entrySet().stream().filter(e -> e.getValue().equals(key))
                    .map(Map.Entry::getKey).findFirst().orElse(null);
            if (size != null) {
                search.set(size, f.numberNode(price.stripTrailingZeros()));
            } else {
                fieldName(key, false).ifPresent(field -> n.set(field, f.numberNode(price.stripTrailingZeros())));
            }
        });
        if (!search.isEmpty()) {
            n.set(WEB_SEARCH, search);
        }
        if (p.perRequest().signum() > 0) {
            n.set(PER_REQUEST, f.numberNode(p.perRequest().stripTrailingZeros()));
        }
        return n;
    }

    static BigDecimal perToken(BigDecimal perMillion) {
        return perMillion.divide(MILLION).stripTrailingZeros();
    }

    private static BigDecimal decimal(String field, JsonNode v) {
        BigDecimal d;
        if (v.isNumber()) {
            d = v.decimalValue();
        } else if (v.isTextual()) {
            try {
                d = new BigDecimal(v.asText().strip());
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException(field + " is not a number");
            }
        } else {
            throw new IllegalArgumentException(field + " is not a number");
        }
        if (d.signum() < 0) {
            throw new IllegalArgumentException(field + " is negative");
        }
        return d;
    }

    private static BigDecimal places(String field, BigDecimal v, int max) {
        BigDecimal s = v.stripTrailingZeros();
        if (s.scale() > max) {
            throw new IllegalArgumentException(field + " needs more than " + max + " decimal places"
                    + (max == 12 ? " per million tokens" : " per unit") + " (" + v.toPlainString()
                    + " is a rounded repeating decimal; no exact price can be billed from it)");
        }
        return s.scale() < 0 ? s.setScale(0) : s;
    }
}
