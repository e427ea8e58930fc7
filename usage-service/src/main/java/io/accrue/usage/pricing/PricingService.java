package io.accrue.usage.pricing;

import java.math.BigDecimal;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Currency;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.transaction.Transactional;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

import io.accrue.common.error.ApiException;
import io.accrue.common.paging.CursorPage;
import io.accrue.common.paging.Cursors;
import io.accrue.usage.config.UsageConfig;
import io.accrue.usage.pricing.PricingRequests.AddAlias;
import io.accrue.usage.pricing.PricingRequests.CreateModel;
import io.accrue.usage.pricing.PricingRequests.CreateProvider;
import io.accrue.usage.pricing.PricingRequests.ImportResult;
import io.accrue.usage.pricing.PricingRequests.ModelDetail;
import io.accrue.usage.pricing.PricingRequests.ModelView;
import io.accrue.usage.pricing.PricingRequests.PriceVersionRequest;
import io.accrue.usage.pricing.PricingRequests.PriceVersionView;
import io.accrue.usage.pricing.PricingRequests.ProviderView;
import io.quarkus.narayana.jta.QuarkusTransaction;

@ApplicationScoped
public class PricingService {

    private final ProviderRepository providers;
    private final ModelRepository models;
    private final ModelAliasRepository aliases;
    private final PriceVersionRepository versions;
    private final PriceCatalog catalog;
    private final UsageConfig config;
    private final Clock clock;

    PricingService(ProviderRepository providers, ModelRepository models, ModelAliasRepository aliases,
            PriceVersionRepository versions, PriceCatalog catalog, UsageConfig config, Clock clock) {
        this.providers = providers;
        this.models = models;
        this.aliases = aliases;
        this.versions = versions;
        this.catalog = catalog;
        this.config = config;
        this.clock = clock;
    }

    public List<ProviderView> providers() {
        return providers.listAll(io.quarkus.panache.common.Sort.by("id")).stream().map(ProviderView::of).toList();
    }

    @Transactional
    public ProviderView createProvider(CreateProvider request) {
        if (providers.findByIdOptional(request.id()).isPresent()) {
            throw ApiException.conflict("provider_exists", "Provider '" + request.id() + "' already exists.");
        }
        Provider p = newProvider(request.id(), request.name().strip());
        return ProviderView.of(p);
    }

    public CursorPage<ModelView> models(String cursor, Integer limit, String provider) {
        int size = Cursors.limit(limit);
        String after = cursor == null ? "" : Cursors.decode(cursor, 1).get(0);
        List<Model> rows = models.pageAfter(after, provider, size + 1);
        boolean more = rows.size() > size;
        List<Model> page = more ? rows.subList(0, size) : rows;
        Instant now = clock.instant();
        List<ModelView> items = page.stream().map(m -> new ModelView(m.id, m.providerId, m.displayName,
                aliases.aliasesOf(m.id),
                versions.inEffect(m.id, now).map(v -> PriceVersionView.of(v, now)).orElse(null),
                m.createdAt)).toList();
        return new CursorPage<>(items, more ? Cursors.encode(page.get(page.size() - 1).id) : null, more);
    }

    public ModelDetail model(String spelling) {
        Model m = find(spelling);
        Instant now = clock.instant();
        return new ModelDetail(m.id, m.providerId, m.displayName, aliases.aliasesOf(m.id),
                versions.ofModel(m.id).stream().map(v -> PriceVersionView.of(v, now)).toList(), m.createdAt);
    }

    public PriceVersionView priceAt(String spelling, Instant at) {
        Model m = find(spelling);
        Instant when = at == null ? clock.instant() : at;
        return versions.inEffect(m.id, when).map(v -> PriceVersionView.of(v, clock.instant()))
                .orElseThrow(() -> ApiException.notFound("price_not_found",
                        "Model '" + m.id + "' has no price in effect at " + when + "."));
    }

    @Transactional
    public ModelDetail createModel(CreateModel request) {
        String provider = request.provider().strip().toLowerCase(Locale.ROOT);
        if (providers.findByIdOptional(provider).isEmpty()) {
            throw ApiException.unprocessable("unknown_provider", "Provider '" + provider + "' is not in the catalog.");
        }
        if (models.findByIdOptional(request.id()).isPresent()) {
            throw ApiException.conflict("model_exists", "Model '" + request.id() + "' already exists.");
        }
        Set<String> spellings = new LinkedHashSet<>();
        spellings.add(request.id());
        if (request.aliases() != null) {
            spellings.addAll(request.aliases());
        }
        for (String s : spellings) {
            requireFreeAlias(s);
        }
        newModel(request.id(), provider, request.displayName().strip(), spellings);
        catalog.invalidate();
        return model(request.id());
    }

    @Transactional
    public ModelDetail addAlias(String spelling, AddAlias request) {
        Model m = find(spelling);
        requireFreeAlias(request.alias());
        ModelAlias a = new ModelAlias();
        a.alias = request.alias();
        a.modelId = m.id;
        aliases.persist(a);
        catalog.invalidate();
        return model(m.id);
    }

    @Transactional
    public PriceVersionView addVersion(String spelling, PriceVersionRequest request, String actor) {
        Model m = find(spelling);
        if (!Boolean.TRUE.equals(request.forUnpricedUsage())) {
            // A version for unpriced usage may start in the past: it never re-prices what was priced.
            requireSchedulable(request.effectiveFrom());
        }
        if (versions.existsAt(m.id, request.effectiveFrom())) {
            throw ApiException.conflict("price_version_exists",
                    "Model '" + m.id + "' already has a price version starting at " + request.effectiveFrom() + ".");
        }
        PriceVersion v = new PriceVersion();
        v.id = UUID.randomUUID();
        v.modelId = m.id;
        v.createdAt = clock.instant();
        v.createdBy = actor;
        apply(v, request);
        versions.persistAndFlush(v);
        catalog.invalidate();
        return PriceVersionView.of(v, clock.instant());
    }

    /** Replaces a version that has not taken effect yet; an effective version is immutable. */
    @Transactional
    public PriceVersionView replaceVersion(String spelling, UUID versionId, PriceVersionRequest request) {
        PriceVersion v = scheduledVersion(spelling, versionId);
        requireSchedulable(request.effectiveFrom());
        if (!v.effectiveFrom.equals(request.effectiveFrom()) && versions.existsAt(v.modelId, request.effectiveFrom())) {
            throw ApiException.conflict("price_version_exists",
                    "Model '" + v.modelId + "' already has a price version starting at " + request.effectiveFrom()
                            + ".");
        }
        apply(v, request);
        versions.flush();
        catalog.invalidate();
        return PriceVersionView.of(v, clock.instant());
    }

    @Transactional
    public void deleteVersion(String spelling, UUID versionId) {
        versions.delete(scheduledVersion(spelling, versionId));
        catalog.invalidate();
    }

    /** Entries per transaction: an import is many short transactions, never one longer than the timeout. */
    static final int IMPORT_CHUNK = 250;

    /**
     * Imports LiteLLM's model-price JSON. Each entry becomes a model (created with its provider when new) and,
     * when its prices differ from the latest version, a new version starting at {@code effectiveFrom} (default:
     * now + the minimum lead, from one reading of the clock). Entries are written {@value #IMPORT_CHUNK} per
     * transaction: an interrupted import keeps what it wrote, and running it again completes it (entries already
     * imported are unchanged). A model whose latest version was set by hand keeps it unless
     * {@code replaceManual}; the answer lists both cases. Entries Accrue cannot use are reported, never
     * half-imported.
     */
    public ImportResult importLiteLlm(JsonNode body, Instant effectiveFrom, String currency, boolean replaceManual,
            String actor) {
        if (body == null || !body.isObject()) {
            throw ApiException.unprocessable("invalid_litellm_json",
                    "A LiteLLM model-price file is one JSON object keyed by model name.");
        }
        Instant now = clock.instant();
        Instant start = effectiveFrom == null ? now.plus(config.pricing().minLead()) : effectiveFrom;
        requireSchedulable(start, now);
        String cur = knownCurrency(currency == null ? "USD" : currency);
        ImportRun run = new ImportRun(start, cur, replaceManual, actor, now);
        List<LiteLlmFormat.Entry> entries = new ArrayList<>();
        Map<String, String> firstKeyOf = new HashMap<>();
        int total = 0;
        for (Iterator<Map.Entry<String, JsonNode>> it = body.fields(); it.hasNext();) {
            Map.Entry<String, JsonNode> field = it.next();
            if ("sample_spec".equals(field.getKey()) || "last_updated".equals(field.getKey())
                    && field.getValue().isTextual()) {
                continue; // LiteLLM's documentation entry and the mirror's date stamp
            }
            total++;
            LiteLlmFormat.Parsed parsed = LiteLlmFormat.parse(field.getKey(), field.getValue());
            if (parsed instanceof LiteLlmFormat.Skip skip) {
                run.skipped.add(new ImportResult.Skipped(field.getKey(), skip.reason()));
                continue;
            }
            LiteLlmFormat.Entry e = ((LiteLlmFormat.Ok) parsed).entry();
            if (!e.modelId().matches(PricingRequests.ID) || e.modelId().length() > 128) {
                run.skipped.add(new ImportResult.Skipped(field.getKey(), "model name is not a usable id"));
                continue;
            }
            String first = firstKeyOf.putIfAbsent(e.modelId(), e.key());
            if (first != null) {
                run.skipped.add(new ImportResult.Skipped(field.getKey(),
                        "the same model id as '" + first + "' (ids are case-insensitive)"));
                continue;
            }
            if (!e.ignoredFields().isEmpty()) {
                run.ignored.add(new ImportResult.Ignored(e.key(), e.ignoredFields()));
            }
            entries.add(e);
        }
        run.load();
        for (int i = 0; i < entries.size(); i += IMPORT_CHUNK) {
            List<LiteLlmFormat.Entry> chunk = entries.subList(i, Math.min(entries.size(), i + IMPORT_CHUNK));
            try {
                QuarkusTransaction.requiringNew().run(() -> chunk.forEach(run::apply));
                run.commit();
            } catch (RuntimeException ex) {
                run.rollback();
                // A concurrent import or catalog change: this chunk is not written; the next run completes it.
                chunk.forEach(e -> run.skipped.add(new ImportResult.Skipped(e.key(),
                        "not written this time (a concurrent catalog change); import the file again")));
            }
        }
        catalog.invalidate();
        return new ImportResult(start, total, run.modelsCreated, run.providersCreated, run.versionsCreated,
                run.unchanged, run.skipped, run.keptManual, run.replacedManual, run.ignored);
    }

    /** The state of one import: what the catalog held when it started, plus what its committed chunks wrote. */
    private final class ImportRun {
        final Instant start;
        final String currency;
        final boolean replaceManual;
        final String actor;
        final Instant now;
        final List<ImportResult.Skipped> skipped = new ArrayList<>();
        final List<ImportResult.Ignored> ignored = new ArrayList<>();
        final List<String> keptManual = new ArrayList<>();
        final List<String> replacedManual = new ArrayList<>();
        int modelsCreated, providersCreated, versionsCreated, unchanged;
        Map<String, String> aliasToModel = new HashMap<>();
        Set<String> providerIds = new java.util.HashSet<>();
        Map<String, PriceVersion> latest = new HashMap<>();
        // Counts and caches of the chunk in flight, kept only once it commits.
        private int[] pending = new int[4];
        private Map<String, String> pendingAliases = new HashMap<>();
        private Set<String> pendingProviders = new java.util.HashSet<>();
        private Map<String, PriceVersion> pendingLatest = new HashMap<>();
        private List<Runnable> pendingReports = new ArrayList<>();

        ImportRun(Instant start, String currency, boolean replaceManual, String actor, Instant now) {
            this.start = start;
            this.currency = currency;
            this.replaceManual = replaceManual;
            this.actor = actor;
            this.now = now;
        }

        void load() {
            QuarkusTransaction.requiringNew().run(() -> {
                aliases.listAll().forEach(a -> aliasToModel.put(a.alias, a.modelId));
                providers.listAll().forEach(p -> providerIds.add(p.id));
                for (PriceVersion v : versions.list("forUnpricedUsage = false order by modelId, effectiveFrom")) {
                    latest.put(v.modelId, v);
                }
                versions.getEntityManager().clear();
            });
        }

        void apply(LiteLlmFormat.Entry e) {
            String modelId = pendingAliases.getOrDefault(e.modelId(), aliasToModel.get(e.modelId()));
            PriceVersion last = modelId == null ? null : pendingLatest.getOrDefault(modelId, latest.get(modelId));
            if (modelId != null && !modelId.equals(e.modelId())) {
                // The key is a spelling of another model here. Same prices: an alias indeed. Different prices: the
                // file's own entry, but re-pointing the spelling would re-price that model's traffic at once (and
                // leave it unpriced until this import's start), so the operator decides.
                if (last != null && samePrices(last, e, currency)) {
                    pending[3]++;
                    return;
                }
                String other = modelId;
                pendingReports.add(() -> skipped.add(new ImportResult.Skipped(e.key(), "'" + e.modelId()
                        + "' is an alias of model '" + other + "' here, whose prices differ from the file's entry;"
                        + " remove the alias (or give '" + other + "' these prices) to import it")));
                return;
            }
            if (modelId == null) {
                if (!providerIds.contains(e.provider()) && pendingProviders.add(e.provider())) {
                    newProvider(e.provider(), e.provider());
                    pending[1]++;
                }
                Model m = new Model();
                m.id = e.modelId();
                m.providerId = e.provider();
                m.displayName = e.key();
                m.litellmKey = e.key();
                m.mode = e.mode();
                m.createdAt = now;
                models.persist(m);
                ModelAlias a = new ModelAlias();
                a.alias = e.modelId();
                a.modelId = e.modelId();
                aliases.persist(a);
                pendingAliases.put(e.modelId(), e.modelId());
                modelId = e.modelId();
                pending[0]++;
            } else {
                Model m = models.findById(modelId);
                if (m.litellmKey == null) {
                    m.litellmKey = e.key();
                    m.mode = e.mode();
                }
            }
            if (last != null && samePrices(last, e, currency)) {
                pending[3]++;
                return;
            }
            if (last != null && "manual".equals(last.source)) {
                if (!replaceManual) {
                    pendingReports.add(() -> keptManual.add(e.key()));
                    return;
                }
                pendingReports.add(() -> replacedManual.add(e.key()));
            }
            if (last != null && !last.effectiveFrom.isBefore(start)) {
                pendingReports.add(() -> skipped.add(new ImportResult.Skipped(e.key(),
                        "a version already starts at or after " + start)));
                return;
            }
            PriceVersion v = new PriceVersion();
            v.id = UUID.randomUUID();
            v.modelId = modelId;
            v.effectiveFrom = start;
            v.currency = currency;
            v.inputPerMillion = e.token("input");
            v.outputPerMillion = e.token("output");
            v.cachedInputPerMillion = e.token("cache_read");
            v.tokenPrices = asStrings(e.otherTokenPrices());
            v.perRequest = e.perRequest() == null ? BigDecimal.ZERO : e.perRequest();
            v.unitPrices = asStrings(e.unitPrices());
            v.source = "litellm";
            v.createdAt = now;
            v.createdBy = actor;
            versions.persist(v);
            pendingLatest.put(modelId, v);
            pending[2]++;
        }

        void commit() {
            modelsCreated += pending[0];
            providersCreated += pending[1];
            versionsCreated += pending[2];
            unchanged += pending[3];
            aliasToModel.putAll(pendingAliases);
            providerIds.addAll(pendingProviders);
            latest.putAll(pendingLatest);
            pendingReports.forEach(Runnable::run);
            rollback();
        }

        void rollback() {
            pending = new int[4];
            pendingAliases = new HashMap<>();
            pendingProviders = new java.util.HashSet<>();
            pendingLatest = new HashMap<>();
            pendingReports = new ArrayList<>();
        }
    }

    /** The catalog as LiteLLM JSON: each model's version in effect at {@code at} (default now). */
    public ObjectNode exportLiteLlm(Instant at) {
        Instant when = at == null ? clock.instant() : at;
        ObjectNode out = JsonNodeFactory.withExactBigDecimals(true).objectNode();
        for (Model m : models.listAll(io.quarkus.panache.common.Sort.by("id"))) {
            versions.inEffect(m.id, when).ifPresent(v -> out.set(m.litellmKey == null ? m.id : m.litellmKey,
                    LiteLlmFormat.toNode(m.providerId, m.mode, v.prices())));
        }
        return out;
    }

    private Model find(String spelling) {
        return models.resolve(spelling).orElseThrow(() -> ApiException.notFound("model_not_found",
                "No model or alias '" + spelling + "' in the catalog."));
    }

    private PriceVersion scheduledVersion(String spelling, UUID versionId) {
        Model m = find(spelling);
        PriceVersion v = versions.findByIdOptional(versionId).filter(x -> x.modelId.equals(m.id))
                .orElseThrow(() -> ApiException.notFound("price_version_not_found",
                        "Model '" + m.id + "' has no price version " + versionId + "."));
        if (v.isEffectiveAt(clock.instant())) {
            throw ApiException.conflict("price_version_immutable", "Price version " + versionId
                    + " has been in effect since " + v.effectiveFrom
                    + " and can no longer change; add a new version instead.");
        }
        return v;
    }

    /** Versions start in the future (at least the minimum lead ahead), so no rated event's price ever moves. */
    private void requireSchedulable(Instant effectiveFrom) {
        requireSchedulable(effectiveFrom, clock.instant());
    }

    /** {@code now} is the instant the caller computed its default start from: one clock reading for both. */
    private void requireSchedulable(Instant effectiveFrom, Instant now) {
        Instant earliest = now.plus(config.pricing().minLead());
        if (effectiveFrom.isBefore(earliest)) {
            throw new ApiException(422, "price_version_backdated", "Unprocessable request",
                    "A price version must start at or after " + earliest
                            + " (now plus the minimum lead); effective prices never change retroactively.",
                    Map.of("earliestEffectiveFrom", earliest.toString()));
        }
    }

    private void requireFreeAlias(String alias) {
        if (aliases.findByIdOptional(alias).isPresent()) {
            throw ApiException.conflict("alias_taken", "'" + alias + "' already names a model.");
        }
    }

    private Provider newProvider(String id, String name) {
        Provider p = new Provider();
        p.id = id;
        p.name = name;
        p.createdAt = clock.instant();
        providers.persistAndFlush(p);
        return p;
    }

    private void newModel(String id, String provider, String displayName, Set<String> spellings) {
        Model m = new Model();
        m.id = id;
        m.providerId = provider;
        m.displayName = displayName;
        m.createdAt = clock.instant();
        models.persist(m);
        models.flush();
        for (String s : spellings) {
            ModelAlias a = new ModelAlias();
            a.alias = s;
            a.modelId = id;
            aliases.persist(a);
        }
        aliases.flush();
    }

    private void apply(PriceVersion v, PriceVersionRequest r) {
        v.effectiveFrom = r.effectiveFrom();
        v.currency = knownCurrency(r.currency());
        Map<String, BigDecimal> tokens = new TreeMap<>(r.tokenPrices() == null ? Map.of() : r.tokenPrices());
        for (String k : tokens.keySet()) {
            PriceKey key = PriceKey.parse(k).orElseThrow();
            if (TokenDimension.parse(key.dimension()).isEmpty()) {
                throw ApiException.unprocessable("unknown_price_dimension", "'" + key.dimension()
                        + "' is not a token dimension (" + java.util.Arrays.stream(TokenDimension.values())
                                .map(TokenDimension::wireName).collect(java.util.stream.Collectors.joining(", "))
                        + "); per-unit prices go in unitPrices.");
            }
            if (key.tier() == ServiceTier.STANDARD && key.above() == 0
                    && Set.of("input", "output", "cache_read").contains(key.dimension())) {
                throw ApiException.unprocessable("unknown_price_dimension", "'" + k
                        + "' is set by inputPerMillion, outputPerMillion or cachedInputPerMillion.");
            }
        }
        Map<String, BigDecimal> units = r.unitPrices() == null ? Map.of() : r.unitPrices();
        if (r.inputPerMillion() == null && r.outputPerMillion() == null && tokens.isEmpty() && units.isEmpty()
                && r.perRequest() == null) {
            throw ApiException.unprocessable("price_version_empty",
                    "A price version prices at least one thing (tokens, units or requests).");
        }
        v.inputPerMillion = r.inputPerMillion();
        v.outputPerMillion = r.outputPerMillion();
        v.cachedInputPerMillion = r.cachedInputPerMillion() == null ? r.inputPerMillion() : r.cachedInputPerMillion();
        v.tokenPrices = asStrings(tokens);
        v.perRequest = r.perRequest() == null ? BigDecimal.ZERO : r.perRequest();
        v.unitPrices = asStrings(units);
        v.forUnpricedUsage = Boolean.TRUE.equals(r.forUnpricedUsage());
        v.source = "manual";
    }

    /** The same prices, whatever the scale they were written with (exact decimal comparison). */
    private static boolean samePrices(PriceVersion v, LiteLlmFormat.Entry e, String currency) {
        Prices p = v.prices();
        BigDecimal perRequest = e.perRequest() == null ? BigDecimal.ZERO : e.perRequest();
        Map<String, BigDecimal> tokens = new TreeMap<>(e.tokenPrices());
        Map<String, BigDecimal> mine = new TreeMap<>(p.tokenPrices());
        // A manual version's cached price defaults to input: the same as an entry without one.
        if (!tokens.containsKey("cache_read") && mine.containsKey("cache_read") && mine.get("input") != null
                && mine.get("cache_read").compareTo(mine.get("input")) == 0) {
            mine.remove("cache_read");
        }
        return v.currency.equals(currency) && p.perRequest().compareTo(perRequest) == 0
                && sameDecimals(mine, tokens) && sameDecimals(p.unitPrices(), e.unitPrices());
    }

    private static boolean sameDecimals(Map<String, BigDecimal> a, Map<String, BigDecimal> b) {
        if (!a.keySet().equals(b.keySet())) {
            return false;
        }
        for (var x : a.entrySet()) {
            if (x.getValue().compareTo(b.get(x.getKey())) != 0) {
                return false;
            }
        }
        return true;
    }

    private static Map<String, String> asStrings(Map<String, BigDecimal> units) {
        Map<String, String> out = new TreeMap<>();
        units.forEach((k, v) -> out.put(k, v.toPlainString()));
        return out;
    }

    private static String knownCurrency(String code) {
        try {
            return Currency.getInstance(code).getCurrencyCode();
        } catch (IllegalArgumentException e) {
            throw ApiException.unprocessable("unknown_currency", "'" + code + "' is not an ISO-4217 currency.");
        }
    }
}
