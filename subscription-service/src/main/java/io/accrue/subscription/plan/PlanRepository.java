package io.accrue.subscription.plan;

import java.util.List;
import java.util.Optional;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;

import io.quarkus.hibernate.orm.panache.PanacheRepositoryBase;
import io.quarkus.panache.common.Sort;

@ApplicationScoped
public class PlanRepository implements PanacheRepositoryBase<PlanDefinition, UUID> {

    public Optional<PlanDefinition> findVersion(String slug, int version) {
        return find("slug = ?1 and version = ?2", slug, version).firstResultOptional();
    }

    public Optional<PlanDefinition> findLatest(String slug) {
        return find("slug", Sort.descending("version"), slug).firstResultOptional();
    }

    /** The newest version of every plan, by slug. */
    public List<PlanDefinition> listLatest() {
        return find("from PlanDefinition p where p.version = "
                + "(select max(q.version) from PlanDefinition q where q.slug = p.slug) order by p.slug").list();
    }
}
