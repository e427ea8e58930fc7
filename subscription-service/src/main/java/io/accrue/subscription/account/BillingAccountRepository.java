package io.accrue.subscription.account;

import java.util.Optional;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;

import io.quarkus.hibernate.orm.panache.PanacheRepositoryBase;

@ApplicationScoped
public class BillingAccountRepository implements PanacheRepositoryBase<BillingAccount, UUID> {

    public Optional<BillingAccount> findByOrg(String orgId) {
        return find("orgId", orgId).firstResultOptional();
    }

    public Optional<BillingAccount> findByCustomer(String stripeCustomerId) {
        return find("stripeCustomerId", stripeCustomerId).firstResultOptional();
    }
}
