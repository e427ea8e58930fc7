package io.accrue.usage.webhook;

import java.security.SecureRandom;
import java.time.Clock;
import java.util.Base64;
import java.util.List;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.persistence.EntityManager;
import jakarta.transaction.Transactional;

import io.accrue.common.error.ApiException;
import io.accrue.common.outbound.OutboundHttp;
import io.accrue.common.signing.Signatures;
import io.accrue.usage.config.UsageConfig;
import io.accrue.usage.webhook.WebhookRequests.CreatedEndpoint;
import io.accrue.usage.webhook.WebhookRequests.EndpointRequest;
import io.accrue.usage.webhook.WebhookRequests.EndpointView;

/** An organisation's webhook endpoints. */
@ApplicationScoped
public class WebhookEndpoints {

    private final WebhookEndpointRepository repository;
    private final EntityManager em;
    private final UsageConfig config;
    private final Clock clock;
    private final OutboundHttp http;
    private final SecureRandom random = new SecureRandom();

    WebhookEndpoints(WebhookEndpointRepository repository, EntityManager em, UsageConfig config, Clock clock,
            OutboundHttp http) {
        this.http = http;
        this.repository = repository;
        this.em = em;
        this.config = config;
        this.clock = clock;
    }

    public List<EndpointView> list(String orgId) {
        return repository.ofOrg(orgId).stream().map(EndpointView::of).toList();
    }

    @Transactional
    public CreatedEndpoint register(String orgId, EndpointRequest r) {
        String url = r.url().strip();
        http.refusal(url).ifPresent(why -> {
            throw ApiException.unprocessable("webhook_url_not_allowed", "The webhook URL is refused: " + why + ".");
        });
        em.createNativeQuery("select pg_advisory_xact_lock(hashtextextended(?1, 0))")
                .setParameter(1, "webhooks:" + orgId).getSingleResult();
        if (repository.count("orgId", orgId) >= config.webhooks().maxEndpoints()) {
            throw ApiException.conflict("webhook_endpoint_limit", "An organisation has at most "
                    + config.webhooks().maxEndpoints() + " webhook endpoints; remove one first.");
        }
        byte[] bytes = new byte[32];
        random.nextBytes(bytes);
        WebhookEndpoint e = new WebhookEndpoint();
        e.id = UUID.randomUUID();
        e.orgId = orgId;
        e.url = url;
        e.description = r.description() == null || r.description().isBlank() ? null : r.description().strip();
        e.secret = "whsec_" + Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
        e.createdAt = clock.instant();
        repository.persist(e);
        return new CreatedEndpoint(e.id, e.url, e.description, WebhookRequests.EVENT_TYPES, e.createdAt, e.secret,
                Signatures.HEADER, "t=<unix seconds>,v1=<hex HMAC-SHA256 of \"<t>.<raw body>\" with this secret>");
    }

    /** Removes the endpoint; deliveries still pending to it are canceled. */
    @Transactional
    public void remove(String orgId, UUID id) {
        WebhookEndpoint e = repository.findById(id);
        if (e == null || !e.orgId.equals(orgId)) {
            throw ApiException.notFound("webhook_endpoint_not_found", "No webhook endpoint " + id + ".");
        }
        em.createNativeQuery("update webhook_deliveries set status = 'canceled', last_error = 'endpoint removed'"
                + " where endpoint_id = ?1 and status = 'pending'").setParameter(1, id).executeUpdate();
        repository.delete(e);
    }
}
