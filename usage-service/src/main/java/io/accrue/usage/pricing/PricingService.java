package io.accrue.usage.pricing;

import java.math.BigDecimal;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Currency;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
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
        requireSchedulable(request.effectiveFrom());
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

    /**
     * Imports LiteLLM's model-price JSON. Each entry becomes a model (created with its provider when new) and,
     * when its prices differ from the latest version, a new version starting at {@code effectiveFrom}
     * (default: now + the minimum lead). Entries Accrue cannot use are reported, never half-imported.
     */
    @Transactional
    public ImportResult importLiteLlm(JsonNode body, Instant effectiveFrom, String currency, String actor) {
        if (body == null || !body.isObject()) {
            throw ApiException.unprocessable("invalid_litellm_json",
                    "A LiteLLM model-price file is one JSON object keyed by model name.");
        }
        Instant start = effectiveFrom == null ? clock.instant().plus(config.pricing().minLead()) : effectiveFrom;
        requireSchedulable(start);
        String cur = knownCurrency(currency == null ? "USD" : currency);
        int modelsCreated = 0, providersCreated = 0, versionsCreated = 0, unchanged = 0;
        List<ImportResult.Skipped> skipped = new ArrayList<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = body.fields(); it.hasNext();) {
            Map.Entry<String, JsonNode> field = it.next();
            LiteLlmFormat.Parsed parsed = LiteLlmFormat.parse(field.getKey(), field.getValue());
            if (parsed instanceof LiteLlmFormat.Skip skip) {
                if (!"sample_spec".equals(field.getKey())) {
                    skipped.add(new ImportResult.Skipped(field.getKey(), skip.reason()));
                }
                continue;
            }
            LiteLlmFormat.Entry e = ((LiteLlmFormat.Ok) parsed).entry();
            if (!e.modelId().matches(PricingRequests.ID) || e.modelId().length() > 128) {
                skipped.add(new ImportResult.Skipped(field.getKey(), "model name is not a usable id"));
                continue;
            }
            Optional<Model> existing = models.resolve(e.modelId());
            String modelId;
            if (existing.isPresent()) {
                modelId = existing.get().id;
            } else {
                if (providers.findByIdOptional(e.provider()).isEmpty()) {
                    newProvider(e.provider(), e.provider());
                    providersCreated++;
                }
                newModel(e.modelId(), e.provider(), e.modelId(), Set.of(e.modelId()));
                modelId = e.modelId();
                modelsCreated++;
            }
            List<PriceVersion> history = versions.ofModel(modelId);
            PriceVersion latest = history.isEmpty() ? null : history.get(history.size() - 1);
            if (latest != null && samePrices(latest, e, cur)) {
                unchanged++;
                continue;
            }
            if (latest != null && !latest.effectiveFrom.isBefore(start)) {
                skipped.add(new ImportResult.Skipped(field.getKey(),
                        "a version already starts at or after " + start));
                continue;
            }
            PriceVersion v = new PriceVersion();
            v.id = UUID.randomUUID();
            v.modelId = modelId;
            v.effectiveFrom = start;
            v.currency = cur;
            v.inputPerMillion = e.inputPerMillion();
            v.outputPerMillion = e.outputPerMillion();
            v.cachedInputPerMillion = e.cachedInputPerMillion();
            v.perRequest = e.perRequest();
            v.unitPrices = asStrings(e.unitPrices());
            v.createdAt = clock.instant();
            v.createdBy = actor;
            versions.persist(v);
            versionsCreated++;
        }
        versions.flush();
        catalog.invalidate();
        return new ImportResult(modelsCreated, providersCreated, versionsCreated, unchanged, skipped);
    }

    /** The catalog as LiteLLM JSON: each model's version in effect at {@code at} (default now). */
    public ObjectNode exportLiteLlm(Instant at) {
        Instant when = at == null ? clock.instant() : at;
        ObjectNode out = JsonNodeFactory.withExactBigDecimals(true).objectNode();
        for (Model m : models.listAll(io.quarkus.panache.common.Sort.by("id"))) {
            versions.inEffect(m.id, when).ifPresent(v -> out.set(m.id, LiteLlmFormat.toNode(m.providerId, v.prices())));
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
        Instant earliest = clock.instant().plus(config.pricing().minLead());
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
        v.inputPerMillion = r.inputPerMillion();
        v.outputPerMillion = r.outputPerMillion();
        v.cachedInputPerMillion = r.cachedInputPerMillion() == null ? r.inputPerMillion() : r.cachedInputPerMillion();
        v.perRequest = r.perRequest() == null ? BigDecimal.ZERO : r.perRequest();
        v.unitPrices = asStrings(r.unitPrices() == null ? Map.of() : r.unitPrices());
    }

    private static boolean samePrices(PriceVersion v, LiteLlmFormat.Entry e, String currency) {
        return v.currency.equals(currency) && v.inputPerMillion.compareTo(e.inputPerMillion()) == 0
                && v.outputPerMillion.compareTo(e.outputPerMillion()) == 0
                && v.cachedInputPerMillion.compareTo(e.cachedInputPerMillion()) == 0
                && v.perRequest.compareTo(e.perRequest()) == 0
                && v.prices().unitPrices().equals(UnitPrices.parse(toJson(asStrings(e.unitPrices()))));
    }

    private static Map<String, String> asStrings(Map<String, BigDecimal> units) {
        Map<String, String> out = new TreeMap<>();
        units.forEach((k, v) -> out.put(k, v.toPlainString()));
        return out;
    }

    private static String toJson(Map<String, String> m) {
        ObjectNode n = JsonNodeFactory.instance.objectNode();
        m.forEach(n::put);
        return n.toString();
    }

    private static String knownCurrency(String code) {
        try {
            return Currency.getInstance(code).getCurrencyCode();
        } catch (IllegalArgumentException e) {
            throw ApiException.unprocessable("unknown_currency", "'" + code + "' is not an ISO-4217 currency.");
        }
    }
}
