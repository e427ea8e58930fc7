package io.accrue.usage.pricing;

import jakarta.enterprise.context.ApplicationScoped;

import io.quarkus.hibernate.orm.panache.PanacheRepositoryBase;

@ApplicationScoped
public class ProviderRepository implements PanacheRepositoryBase<Provider, String> {
}
