package io.accrue.usage.plans;

import java.util.List;
import java.util.Optional;

import jakarta.enterprise.context.ApplicationScoped;

import io.quarkus.hibernate.orm.panache.PanacheRepositoryBase;
import io.quarkus.panache.common.Parameters;
import io.quarkus.panache.common.Sort;

@ApplicationScoped
public class EndUserRepository implements PanacheRepositoryBase<EndUser, EndUser.Key> {

    public Optional<EndUser> byId(String orgId, String endUserId) {
        return find("orgId = ?1 and endUserId = ?2", orgId, endUserId).firstResultOptional();
    }

    /** Keyset page filtered by id prefix, blocked flag and plan. */
    public List<EndUser> search(String orgId, String after, String q, Boolean blocked, java.util.UUID planId,
            boolean defaultPlan, int limit) {
        StringBuilder where = new StringBuilder("orgId = :org and endUserId > :after");
        Parameters params = Parameters.with("org", orgId).and("after", after);
        if (q != null && !q.isBlank()) {
            where.append(" and lower(endUserId) like :q");
            params.and("q", "%" + q.toLowerCase(java.util.Locale.ROOT).replace("%", "\\%").replace("_", "\\_") + "%");
        }
        if (blocked != null) {
            where.append(" and blocked = :blocked");
            params.and("blocked", blocked);
        }
        if (planId != null) {
            where.append(defaultPlan ? " and (ratePlanId = :plan or ratePlanId is null)" : " and ratePlanId = :plan");
            params.and("plan", planId);
        }
        return find(where.toString(), Sort.by("endUserId"), params).range(0, limit - 1).list();
    }
}
