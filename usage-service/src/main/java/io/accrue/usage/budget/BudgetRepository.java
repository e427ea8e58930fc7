package io.accrue.usage.budget;

import java.util.List;
import java.util.Optional;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;

import io.quarkus.hibernate.orm.panache.PanacheRepositoryBase;
import io.quarkus.panache.common.Sort;

@ApplicationScoped
public class BudgetRepository implements PanacheRepositoryBase<Budget, UUID> {

    public List<Budget> ofOrg(String orgId) {
        return find("orgId", Sort.by("slug"), orgId).list();
    }

    public Optional<Budget> bySlug(String orgId, String slug) {
        return find("orgId = ?1 and slug = ?2", orgId, slug).firstResultOptional();
    }
}
