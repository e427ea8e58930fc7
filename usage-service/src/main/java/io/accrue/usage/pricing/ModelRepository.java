package io.accrue.usage.pricing;

import java.util.List;
import java.util.Optional;

import jakarta.enterprise.context.ApplicationScoped;

import io.quarkus.hibernate.orm.panache.PanacheRepositoryBase;
import io.quarkus.panache.common.Sort;

@ApplicationScoped
public class ModelRepository implements PanacheRepositoryBase<Model, String> {

    /** Resolves any spelling (canonical id or alias, case-insensitive) to the model. */
    public Optional<Model> resolve(String nameOrAlias) {
        return find("id = (select a.modelId from ModelAlias a where a.alias = ?1)",
                nameOrAlias.strip().toLowerCase(java.util.Locale.ROOT)).firstResultOptional();
    }

    public List<Model> pageAfter(String afterId, String provider, int limit) {
        StringBuilder q = new StringBuilder("id > ?1");
        if (provider != null) {
            q.append(" and providerId = ?2");
            return find(q.toString(), Sort.by("id"), afterId, provider).range(0, limit).list();
        }
        return find(q.toString(), Sort.by("id"), afterId).range(0, limit).list();
    }
}
