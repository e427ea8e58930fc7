package io.accrue.subscription.lifecycle;

import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;

import io.quarkus.hibernate.orm.panache.PanacheRepositoryBase;

@ApplicationScoped
public class SubscriptionRepository implements PanacheRepositoryBase<Subscription, UUID> {

    public Optional<Subscription> findByOrg(String orgId) {
        return find("orgId", orgId).firstResultOptional();
    }

    public List<String> orgsWithPeriodEndedBy(Instant now, int limit) {
        return find("currentPeriodEnd <= ?1 and status <> 'canceled' order by currentPeriodEnd", now)
                .page(0, limit).list().stream().map(s -> s.orgId).toList();
    }
}
