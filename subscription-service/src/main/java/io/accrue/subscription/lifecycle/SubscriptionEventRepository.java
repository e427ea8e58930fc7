package io.accrue.subscription.lifecycle;

import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;

import io.quarkus.hibernate.orm.panache.PanacheRepositoryBase;
import io.quarkus.panache.common.Parameters;

@ApplicationScoped
public class SubscriptionEventRepository implements PanacheRepositoryBase<SubscriptionEvent, UUID> {

    /** Events of [from, to) by effective time, after the keyset (effectiveAt, seq), one more than the limit. */
    public List<SubscriptionEvent> page(String orgId, Instant from, Instant to, Instant afterEffective, long afterSeq,
            int limit) {
        return find("""
                orgId = :org and effectiveAt >= :from and effectiveAt < :to
                and (effectiveAt > :ae or (effectiveAt = :ae and seq > :as))
                order by effectiveAt, seq""",
                Parameters.with("org", orgId).and("from", from).and("to", to).and("ae", afterEffective)
                        .and("as", afterSeq))
                .page(0, limit + 1).list();
    }

    /** How many plan changes (made or scheduled) of the organisation occurred at or after {@code since}. */
    public long planChangesSince(String orgId, Instant since) {
        return count("orgId = ?1 and occurredAt >= ?2 and type in ('upgraded', 'downgraded', 'plan_change_scheduled')",
                orgId, since);
    }

    /** The last event effective at or before {@code at}: it names the plan and currency in effect then. */
    public Optional<SubscriptionEvent> inEffectAt(String orgId, Instant at) {
        return find("orgId = ?1 and effectiveAt <= ?2 order by effectiveAt desc, seq desc", orgId, at)
                .firstResultOptional();
    }
}
