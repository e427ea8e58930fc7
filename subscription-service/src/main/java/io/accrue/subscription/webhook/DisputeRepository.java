package io.accrue.subscription.webhook;

import jakarta.enterprise.context.ApplicationScoped;

import io.quarkus.hibernate.orm.panache.PanacheRepositoryBase;

/** Disputes as Stripe's events left them, keyed by Stripe's dispute id. */
@ApplicationScoped
public class DisputeRepository implements PanacheRepositoryBase<Dispute, String> {
}
