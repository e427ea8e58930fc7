package io.accrue.usage.signing;

import java.util.List;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;

import io.quarkus.hibernate.orm.panache.PanacheRepositoryBase;
import io.quarkus.panache.common.Sort;

@ApplicationScoped
public class ClientSecretRepository implements PanacheRepositoryBase<ClientSecret, UUID> {

    public List<ClientSecret> of(String orgId, String clientId) {
        return find("orgId = ?1 and clientId = ?2", Sort.by("createdAt").and("id"), orgId, clientId).list();
    }

    public List<ClientSecret> ofOrg(String orgId) {
        return find("orgId", Sort.by("clientId").and("createdAt").and("id"), orgId).list();
    }
}
