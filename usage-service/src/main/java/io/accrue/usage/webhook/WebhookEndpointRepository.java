package io.accrue.usage.webhook;

import java.util.List;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;

import io.quarkus.hibernate.orm.panache.PanacheRepositoryBase;
import io.quarkus.panache.common.Sort;

@ApplicationScoped
public class WebhookEndpointRepository implements PanacheRepositoryBase<WebhookEndpoint, UUID> {

    public List<WebhookEndpoint> ofOrg(String orgId) {
        return find("orgId", Sort.by("createdAt").and("id"), orgId).list();
    }
}
