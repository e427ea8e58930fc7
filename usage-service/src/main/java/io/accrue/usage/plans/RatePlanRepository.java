package io.accrue.usage.plans;

import java.util.List;
import java.util.Optional;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;

import io.quarkus.hibernate.orm.panache.PanacheRepositoryBase;
import io.quarkus.panache.common.Sort;

@ApplicationScoped
public class RatePlanRepository implements PanacheRepositoryBase<RatePlan, UUID> {

    public List<RatePlan> ofOrg(String orgId) {
        return find("orgId", Sort.by("slug"), orgId).list();
    }

    public Optional<RatePlan> bySlug(String orgId, String slug) {
        return find("orgId = ?1 and slug = ?2", orgId, slug).firstResultOptional();
    }

    public Optional<RatePlan> defaultOf(String orgId) {
        return find("orgId = ?1 and isDefault = true", orgId).firstResultOptional();
    }
}
