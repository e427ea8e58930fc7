package io.accrue.usage.pricing;

import java.util.List;

import jakarta.enterprise.context.ApplicationScoped;

import io.quarkus.hibernate.orm.panache.PanacheRepositoryBase;
import io.quarkus.panache.common.Sort;

@ApplicationScoped
public class ModelAliasRepository implements PanacheRepositoryBase<ModelAlias, String> {

    public List<String> aliasesOf(String modelId) {
        return find("modelId", Sort.by("alias"), modelId).list().stream().map(a -> a.alias).toList();
    }
}
