package io.accrue.usage.pricing;

import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * How a gateway's spelling of a model finds its priced entry (pure; table-tested in {@code SpellingsTest}; the
 * rules are in docs/billing-rules.md). The first rule that finds an entry wins:
 * <ol>
 * <li>the spelling itself (case-insensitive) is a model id or alias — so an entry of its own (Azure's, Bedrock's,
 * OpenRouter's, a dated snapshot) always prices its own spelling;</li>
 * <li>a router prefix ({@code openrouter/}, {@code litellm_proxy/}) is dropped;</li>
 * <li>a provider prefix {@code p/} is dropped, and the entry found must be one of provider {@code p}'s own
 * (so {@code bedrock/…} only ever finds a Bedrock price, never the provider's direct one);</li>
 * <li>a bare name finds the one entry {@code p/name} of a first-party provider {@code p} (not a cloud or
 * router) — never a guess between several, never a reseller's price; a bare Vertex spelling
 * ({@code name@version}) finds {@code vertex_ai/name@version};</li>
 * <li>version dots become dashes ({@code claude-3.5-sonnet} → {@code claude-3-5-sonnet});</li>
 * <li>{@code -latest}, a date ({@code -20241022}, {@code -2024-10-22}) or a Vertex version ({@code @20241022})
 * that has no entry of its own is dropped, and the undated entry prices it.</li>
 * </ol>
 */
public final class Spellings {

    static final Set<String> ROUTERS = Set.of("openrouter", "litellm_proxy", "litellm");
    /** Providers that resell other makers' models at their own prices: never chosen for a bare name first. */
    static final Set<String> CLOUDS = Set.of("azure", "azure_ai", "bedrock", "bedrock_converse", "vertex_ai",
            "openrouter", "databricks", "snowflake", "heroku", "github_copilot", "vercel_ai_gateway", "deepinfra",
            "together_ai", "fireworks_ai", "oci", "sagemaker", "watsonx", "perplexity", "gradient_ai", "nscale");
    private static final Pattern DOTTED = Pattern.compile("(\\d)\\.(\\d)");
    private static final Pattern SUFFIX = Pattern.compile("(.+?)(-latest|-\\d{8}|-\\d{4}-\\d{2}-\\d{2}|@[0-9a-z.-]+)$");

    private final Map<String, PriceCatalog.ResolvedModel> byAlias;
    private final Map<String, PriceCatalog.ResolvedModel> bare = new HashMap<>();

    public Spellings(Map<String, PriceCatalog.ResolvedModel> byAlias) {
        this.byAlias = byAlias;
        Map<String, List<PriceCatalog.ResolvedModel>> firstParty = new HashMap<>();
        byAlias.forEach((alias, m) -> {
            int slash = alias.indexOf('/');
            if (slash > 0 && m != null && !CLOUDS.contains(alias.substring(0, slash))
                    && ownedBy(m, alias.substring(0, slash))) {
                firstParty.computeIfAbsent(alias.substring(slash + 1), k -> new java.util.ArrayList<>()).add(m);
            }
        });
        firstParty.forEach((rest, ms) -> {
            if (ms.stream().map(PriceCatalog.ResolvedModel::modelId).distinct().count() == 1) {
                bare.put(rest, ms.get(0));
            }
        });
    }

    public Optional<PriceCatalog.ResolvedModel> resolve(String spelling) {
        return Optional.ofNullable(find(spelling.strip().toLowerCase(Locale.ROOT), 0));
    }

    private PriceCatalog.ResolvedModel find(String s, int depth) {
        if (s.isEmpty() || depth > 6) {
            return null;
        }
        PriceCatalog.ResolvedModel m = byAlias.get(s);
        if (m != null) {
            return m;
        }
        int slash = s.indexOf('/');
        if (slash > 0) {
            String prefix = s.substring(0, slash), rest = s.substring(slash + 1);
            if (ROUTERS.contains(prefix)) {
                return find(rest, depth + 1);
            }
            PriceCatalog.ResolvedModel owned = find(rest, depth + 1);
            if (owned != null && ownedBy(owned, prefix)) {
                return owned;
            }
        } else {
            m = bare.get(s);
            if (m == null && s.indexOf('@') > 0) {
                m = byAlias.get("vertex_ai/" + s);
            }
            if (m != null) {
                return m;
            }
        }
        String undotted = DOTTED.matcher(s).replaceAll("$1-$2");
        if (!undotted.equals(s)) {
            return find(undotted, depth + 1);
        }
        var suffix = SUFFIX.matcher(s);
        if (suffix.matches()) {
            return find(suffix.group(1), depth + 1);
        }
        return null;
    }

    /** An entry of provider {@code p}: its provider is p or one of p's families (vertex_ai-language-models…). */
    static boolean ownedBy(PriceCatalog.ResolvedModel m, String p) {
        String provider = m.providerId();
        return provider.equals(p) || provider.startsWith(p + "-") || provider.startsWith(p + "_")
                || "google".equals(p) && (provider.equals("gemini") || provider.startsWith("vertex_ai"));
    }
}
