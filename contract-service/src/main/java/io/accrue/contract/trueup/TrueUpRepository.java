package io.accrue.contract.trueup;

import java.time.Instant;
import java.util.List;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;

import io.quarkus.hibernate.orm.panache.PanacheRepositoryBase;

@ApplicationScoped
public class TrueUpRepository implements PanacheRepositoryBase<TrueUp, UUID> {

    public List<TrueUp> ofContract(UUID contractId) {
        return list("contractId = ?1 order by windowStart", contractId);
    }

    public List<TrueUp> ofContracts(java.util.Collection<UUID> contractIds) {
        if (contractIds.isEmpty()) {
            return List.of();
        }
        return list("contractId in ?1 order by contractId, windowStart", contractIds);
    }

    public boolean exists(UUID contractId, Instant windowStart) {
        return count("contractId = ?1 and windowStart = ?2", contractId, windowStart) > 0;
    }

    /** Inserts unless the window was already trued up; the unique constraint makes it once-only. */
    public boolean insertIfAbsent(TrueUp t) {
        return getEntityManager().createNativeQuery("""
                insert into true_ups (id, contract_id, org_id, window_start, window_end, currency, committed,
                    consumed, shortfall, computed_at, computed_by)
                values (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)
                on conflict on constraint true_ups_once_per_window do nothing""")
                .setParameter(1, t.id).setParameter(2, t.contractId).setParameter(3, t.orgId)
                .setParameter(4, t.windowStart).setParameter(5, t.windowEnd).setParameter(6, t.currency)
                .setParameter(7, t.committed).setParameter(8, t.consumed).setParameter(9, t.shortfall)
                .setParameter(10, t.computedAt).setParameter(11, t.computedBy).executeUpdate() == 1;
    }
}
