package io.accrue.usage.pricing;

import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

import jakarta.enterprise.context.ApplicationScoped;

import io.accrue.usage.config.UsageConfig;
import io.agroal.api.AgroalDataSource;

/**
 * The in-memory copy of the catalog the ingestion hot path rates with: resolving a model spelling and
 * finding the version in effect costs no database round trip. Each replica reloads it after
 * {@code accrue.usage.pricing.cache-ttl}; a new version must start at least {@code min-lead} ahead (longer
 * than the TTL), so every replica knows a version before it takes effect.
 */
@ApplicationScoped
public class PriceCatalog {

    /** A model as rating sees it. */
    public record ResolvedModel(String modelId, String providerId, List<Dated> versions) {
        /** The version in effect at an instant. */
        public Optional<Prices> at(Instant at) {
            return latest(at, false);
        }

        /**
         * The version added afterwards for usage that {@link #at} leaves unpriced (no version, or a dimension the
         * version does not price): it applies to that usage only, never instead of a price that was in effect.
         */
        public Optional<Prices> forUnpricedAt(Instant at) {
            return latest(at, true);
        }

        private Optional<Prices> latest(Instant at, boolean forUnpriced) {
            Prices found = null;
            for (Dated d : versions) { // sorted by effectiveFrom ascending
                if (d.effectiveFrom().isAfter(at)) {
                    break;
                }
                if (d.forUnpricedUsage() == forUnpriced) {
                    found = d.prices();
                }
            }
            return Optional.ofNullable(found);
        }
    }

    public record Dated(Instant effectiveFrom, Prices prices, boolean forUnpricedUsage) {}

    private record Snapshot(Map<String, ResolvedModel> byAlias, Spellings spellings,
            java.util.concurrent.ConcurrentHashMap<String, Optional<ResolvedModel>> resolved, Instant loadedAt) {}

    private final AgroalDataSource dataSource;
    private final UsageConfig config;
    private volatile Snapshot snapshot;

    /** Cache ages are wall-clock time (common's {@code WallTime}), never the adjustable business clock. */
    private final io.accrue.common.time.WallTime wallTime;

    PriceCatalog(AgroalDataSource dataSource, UsageConfig config,
            io.accrue.common.time.WallTime wallTime) {
        this.wallTime = wallTime;
        this.dataSource = dataSource;
        this.config = config;
    }

    /** Any spelling of a model, by the rules of {@link Spellings} (each spelling worked out once per snapshot). */
    public Optional<ResolvedModel> resolve(String spelling) {
        Snapshot s = current();
        String key = spelling.strip().toLowerCase(Locale.ROOT);
        ResolvedModel exact = s.byAlias().get(key);
        if (exact != null) {
            return Optional.of(exact);
        }
        if (s.resolved().size() > 100_000) {
            s.resolved().clear(); // spellings are chosen by callers: bound what they can make us remember
        }
        return s.resolved().computeIfAbsent(key, s.spellings()::resolve);
    }

    /** Drops this replica's copy after a catalog write, so its own next read sees the change. */
    public void invalidate() {
        snapshot = null;
    }

    private Snapshot current() {
        Snapshot s = snapshot;
        // Wall-clock age, not the (test-adjustable) business clock: this is about cache freshness only.
        if (s == null || s.loadedAt().plus(config.pricing().cacheTtl()).isBefore(wallTime.now())) {
            s = load();
            snapshot = s;
        }
        return s;
    }

    private Snapshot load() {
        Map<String, List<Dated>> versions = new HashMap<>();
        Map<String, String> providers = new HashMap<>();
        Map<String, ResolvedModel> byAlias = new HashMap<>();
        try (var c = dataSource.getConnection(); var st = c.createStatement()) {
            try (var rs = st.executeQuery("select id, provider_id from models")) {
                while (rs.next()) {
                    providers.put(rs.getString(1), rs.getString(2));
                }
            }
            try (var rs = st.executeQuery("""
                    select id, model_id, effective_from, currency, input_per_million, output_per_million,
                           cached_input_per_million, per_request, unit_prices::text, token_prices::text,
                           for_unpriced_usage
                    from price_versions order by model_id, effective_from""")) {
                while (rs.next()) {
                    Map<String, java.math.BigDecimal> tokens = new java.util.TreeMap<>(
                            UnitPrices.parse(rs.getString(10)));
                    putIfSet(tokens, "input", rs.getBigDecimal(5));
                    putIfSet(tokens, "output", rs.getBigDecimal(6));
                    putIfSet(tokens, "cache_read", rs.getBigDecimal(7));
                    Prices p = new Prices(rs.getObject(1, java.util.UUID.class), rs.getString(2), rs.getString(4),
                            tokens, rs.getBigDecimal(8), UnitPrices.parse(rs.getString(9)));
                    versions.computeIfAbsent(p.modelId(), k -> new ArrayList<>())
                            .add(new Dated(rs.getTimestamp(3).toInstant(), p, rs.getBoolean(11)));
                }
            }
            Map<String, ResolvedModel> models = new HashMap<>();
            providers.forEach((id, provider) -> models.put(id,
                    new ResolvedModel(id, provider, List.copyOf(versions.getOrDefault(id, List.of())))));
            try (var rs = st.executeQuery("select alias, model_id from model_aliases")) {
                while (rs.next()) {
                    byAlias.put(rs.getString(1), models.get(rs.getString(2)));
                }
            }
        } catch (java.sql.SQLException e) {
            throw new IllegalStateException("cannot load the price catalog", e);
        }
        Map<String, ResolvedModel> aliases = Map.copyOf(byAlias);
        return new Snapshot(aliases, new Spellings(aliases), new java.util.concurrent.ConcurrentHashMap<>(),
                wallTime.now());
    }

    private static void putIfSet(Map<String, java.math.BigDecimal> m, String key, java.math.BigDecimal v) {
        if (v != null) {
            m.put(key, v);
        }
    }
}
