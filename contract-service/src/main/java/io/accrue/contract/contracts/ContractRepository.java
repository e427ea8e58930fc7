package io.accrue.contract.contracts;

import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.persistence.LockModeType;

import io.quarkus.hibernate.orm.panache.PanacheRepositoryBase;
import io.quarkus.panache.common.Parameters;

@ApplicationScoped
public class ContractRepository implements PanacheRepositoryBase<Contract, UUID> {

    public Optional<Contract> findInOrg(String orgId, UUID id) {
        return find("id = :id and orgId = :org", Parameters.with("id", id).and("org", orgId)).firstResultOptional();
    }

    public Optional<Contract> lockInOrg(String orgId, UUID id) {
        return find("id = :id and orgId = :org", Parameters.with("id", id).and("org", orgId))
                .withLock(LockModeType.PESSIMISTIC_WRITE).firstResultOptional();
    }

    /** Keyset page by (createdAt, id): stable while contracts are added. */
    public List<Contract> page(String orgId, Instant afterCreatedAt, UUID afterId, int limit) {
        if (afterCreatedAt == null) {
            return find("orgId = ?1 order by createdAt, id", orgId).range(0, limit - 1).list();
        }
        return find("orgId = ?1 and (createdAt > ?2 or (createdAt = ?2 and id > ?3)) order by createdAt, id",
                orgId, afterCreatedAt, afterId).range(0, limit - 1).list();
    }

    /** Non-draft contracts of the organisation whose governed span overlaps [start, end). */
    public List<Contract> overlapping(String orgId, Instant start, Instant end, UUID except) {
        return list("orgId = ?1 and status <> ?2 and termStart < ?3 and effectiveEnd > ?4 and id <> ?5",
                orgId, ContractStatus.DRAFT, end, start, except);
    }

    /** The non-draft contract governing {@code at}; the exclusion constraint guarantees at most one. */
    public Optional<Contract> governing(String orgId, Instant at) {
        return find("orgId = ?1 and status <> ?2 and termStart <= ?3 and effectiveEnd > ?3",
                orgId, ContractStatus.DRAFT, at).firstResultOptional();
    }
}
