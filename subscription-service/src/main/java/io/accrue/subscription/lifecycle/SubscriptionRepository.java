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

    /** The subscription's currency and pending currency (null when none), read without loading the entity. */
    public Optional<String[]> currencyAndPending(String orgId) {
        return getEntityManager().createQuery(
                "select s.currency, s.pendingCurrency from Subscription s where s.orgId = ?1", Object[].class)
                .setParameter(1, orgId).getResultList().stream().findFirst()
                .map(r -> new String[]{(String) r[0], (String) r[1]});
    }

    public List<String> orgsWithPeriodEndedBy(Instant now, int limit) {
        return find("currentPeriodEnd <= ?1 and status <> ?2 order by currentPeriodEnd", now,
                SubscriptionStatus.CANCELED)
                .page(0, limit).list().stream().map(s -> s.orgId).toList();
    }
}
