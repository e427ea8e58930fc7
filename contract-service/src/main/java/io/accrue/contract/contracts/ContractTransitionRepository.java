package io.accrue.contract.contracts;

import java.util.Collection;
import java.util.List;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;

import io.quarkus.hibernate.orm.panache.PanacheRepositoryBase;

@ApplicationScoped
public class ContractTransitionRepository implements PanacheRepositoryBase<ContractTransition, Long> {

    public List<ContractTransition> ofContracts(Collection<UUID> contractIds) {
        if (contractIds.isEmpty()) {
            return List.of();
        }
        return list("contractId in ?1 order by id", contractIds);
    }
}
