package io.accrue.contract.contracts;

import java.time.Instant;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;

import io.quarkus.hibernate.orm.panache.PanacheRepositoryBase;

@ApplicationScoped
public class ContractVersionRepository implements PanacheRepositoryBase<ContractVersion, UUID> {

    public List<ContractVersion> ofContract(UUID contractId) {
        return list("contractId = ?1 order by number", contractId);
    }

    public List<ContractVersion> ofContracts(Collection<UUID> contractIds) {
        if (contractIds.isEmpty()) {
            return List.of();
        }
        return list("contractId in ?1 order by contractId, number", contractIds);
    }

    /** The version in effect at {@code at}: the latest one that started at or before it. */
    public Optional<ContractVersion> inEffect(UUID contractId, Instant at) {
        return find("contractId = ?1 and effectiveFrom <= ?2 order by effectiveFrom desc", contractId, at)
                .firstResultOptional();
    }

    public ContractVersion latest(UUID contractId) {
        return find("contractId = ?1 order by number desc", contractId).firstResult();
    }
}
