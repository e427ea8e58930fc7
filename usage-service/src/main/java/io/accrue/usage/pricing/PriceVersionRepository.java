package io.accrue.usage.pricing;

import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;

import io.quarkus.hibernate.orm.panache.PanacheRepositoryBase;
import io.quarkus.panache.common.Sort;

@ApplicationScoped
public class PriceVersionRepository implements PanacheRepositoryBase<PriceVersion, UUID> {

    public List<PriceVersion> ofModel(String modelId) {
        return find("modelId", Sort.by("effectiveFrom"), modelId).list();
    }

    /** The version in effect at {@code at}: the latest one that started at or before it (not one for unpriced usage). */
    public Optional<PriceVersion> inEffect(String modelId, Instant at) {
        return find("modelId = ?1 and effectiveFrom <= ?2 and forUnpricedUsage = false",
                Sort.descending("effectiveFrom"),
                modelId, at)
                .firstResultOptional();
    }

    public boolean existsAt(String modelId, Instant effectiveFrom) {
        return count("modelId = ?1 and effectiveFrom = ?2", modelId, effectiveFrom) > 0;
    }

    /** The currencies the catalog prices in (usage is rated, and rolled up, in these). */
    @SuppressWarnings("unchecked")
    public List<String> ratedCurrencies() {
        return getEntityManager().createNativeQuery("select distinct currency::text from price_versions")
                .getResultList();
    }
}
