package io.accrue.invoice.invoices;

import java.time.Instant;
import java.util.List;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;

import io.quarkus.hibernate.orm.panache.PanacheRepositoryBase;

@ApplicationScoped
public class BillingPeriodRepository implements PanacheRepositoryBase<BillingPeriod, UUID> {

    /** The most recent closed periods before {@code before}, newest first: where late usage may land. */
    public List<BillingPeriod> closedBefore(String orgId, Instant before, int max) {
        return find("orgId = ?1 and periodEnd <= ?2 and closedAt is not null order by periodEnd desc", orgId, before)
                .page(0, max).list();
    }
}
