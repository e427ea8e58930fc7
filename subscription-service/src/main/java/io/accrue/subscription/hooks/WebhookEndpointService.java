package io.accrue.subscription.hooks;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.persistence.EntityManager;
import jakarta.transaction.Transactional;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Size;

import io.accrue.common.error.ApiException;
import io.accrue.common.outbound.OutboundHttp;
import io.accrue.common.paging.CursorPage;
import io.accrue.common.paging.Cursors;
import io.accrue.common.signing.StandardWebhooks;
import io.accrue.subscription.account.BillingAccountRepository;
import io.accrue.subscription.audit.AuditTrail;

/** An organisation's webhook endpoints, their delivery log, test pings and replays. */
@ApplicationScoped
public class WebhookEndpointService {

    /** After a rotation the previous secret keeps signing this long, beside the new one. */
    static final Duration ROTATION_OVERLAP = Duration.ofHours(24);
    /** A range replay re-sends at most this many events; a larger range is refused, not cut silently. */
    static final int MAX_REPLAY = 1000;

    public record EndpointDraft(@NotBlank @Size(max = 2000) String url, @Size(max = 200) String description,
            @NotNull @Size(min = 1, max = 20) List<@NotBlank @Size(max = 64) String> eventTypes) {}

    public record EndpointPatch(@Size(max = 2000) String url, @Size(max = 200) String description,
            @Size(min = 1, max = 20) List<@NotBlank @Size(max = 64) String> eventTypes, Boolean enabled) {}

    public record ReplayRange(@NotNull @Size(max = 40) String from, @NotNull @Size(max = 40) String to) {}

    public record EndpointView(String id, String url, String description, List<String> eventTypes, boolean enabled,
            Instant createdAt, Instant updatedAt) {

        static EndpointView of(WebhookEndpoint e) {
            return new EndpointView(e.id.toString(), e.url, e.description, e.types(), e.enabled, e.createdAt,
                    e.updatedAt);
        }
    }

    /** The answer to a create or a rotation: the signing secret, here and never again. */
    public record CreatedEndpoint(String secret, EndpointView endpoint) {}

    public record AttemptView(int attempt, Instant at, Integer responseCode, long durationMs, String error) {}

    public record DeliveryView(String id, String eventId, String eventType, String endpointId, String status,
            int attempts, Integer lastStatus, String lastError, Instant createdAt, Instant nextAttemptAt,
            Instant deliveredAt, List<AttemptView> tries) {}

    public record ReplayResult(int events, int deliveries) {}

    private final EntityManager em;
    private final BillingEvents events;
    private final BillingAccountRepository accounts;
    private final AuditTrail audit;
    private final OutboundHttp outbound;
    private final Clock clock;

    WebhookEndpointService(EntityManager em, BillingEvents events, BillingAccountRepository accounts,
            AuditTrail audit, OutboundHttp outbound, Clock clock) {
        this.em = em;
        this.events = events;
        this.accounts = accounts;
        this.audit = audit;
        this.outbound = outbound;
        this.clock = clock;
    }

    @Transactional
    public CreatedEndpoint create(String orgId, EndpointDraft draft, String actor) {
        if (accounts.findByOrg(orgId).isEmpty()) {
            throw ApiException.notFound("account_not_found", "Organisation '" + orgId + "' has no billing account.");
        }
        requireAllowed(draft.url());
        Instant now = clock.instant();
        WebhookEndpoint e = new WebhookEndpoint();
        e.id = UUID.randomUUID();
        e.orgId = orgId;
        e.url = draft.url().strip();
        e.description = draft.description();
        e.eventTypes = types(draft.eventTypes());
        e.secret = StandardWebhooks.newSecret();
        e.enabled = true;
        e.createdAt = now;
        e.updatedAt = now;
        em.persist(e);
        EndpointView view = EndpointView.of(e);
        audit.record(orgId, actor, "webhook_endpoint.created", "webhook_endpoint:" + e.id, null, view);
        return new CreatedEndpoint(e.secret, view);
    }

    public CursorPage<EndpointView> list(String orgId) {
        List<EndpointView> rows = em.createQuery("from WebhookEndpoint e where e.orgId = ?1 and e.deletedAt is null "
                + "order by e.createdAt, e.id", WebhookEndpoint.class).setParameter(1, orgId).setMaxResults(100)
                .getResultList().stream().map(EndpointView::of).toList();
        return CursorPage.of(rows, null);
    }

    public EndpointView get(String orgId, UUID id) {
        return EndpointView.of(find(orgId, id));
    }

    @Transactional
    public EndpointView update(String orgId, UUID id, EndpointPatch patch, String actor) {
        WebhookEndpoint e = find(orgId, id);
        EndpointView before = EndpointView.of(e);
        if (patch.url() != null) {
            requireAllowed(patch.url());
            e.url = patch.url().strip();
        }
        if (patch.description() != null) {
            e.description = patch.description();
        }
        if (patch.eventTypes() != null) {
            e.eventTypes = types(patch.eventTypes());
        }
        if (patch.enabled() != null) {
            e.enabled = patch.enabled();
        }
        e.updatedAt = clock.instant();
        EndpointView after = EndpointView.of(e);
        audit.record(orgId, actor, "webhook_endpoint.updated", "webhook_endpoint:" + id, before, after);
        return after;
    }

    /** Deleted endpoints are kept (the log still names them) but receive nothing; their pending deliveries stop. */
    @Transactional
    public void delete(String orgId, UUID id, String actor) {
        WebhookEndpoint e = find(orgId, id);
        EndpointView before = EndpointView.of(e);
        e.deletedAt = clock.instant();
        e.enabled = false;
        em.createQuery("update WebhookDelivery d set d.status = ?2, d.lastError = 'the endpoint was deleted' "
                + "where d.endpointId = ?1 and d.status = ?3").setParameter(1, id)
                .setParameter(2, WebhookDeliveryStatus.CANCELED).setParameter(3, WebhookDeliveryStatus.PENDING)
                .executeUpdate();
        audit.record(orgId, actor, "webhook_endpoint.deleted", "webhook_endpoint:" + id, before, null);
    }

    /** A new secret now; the old one keeps signing (a second signature) for {@link #ROTATION_OVERLAP}. */
    @Transactional
    public CreatedEndpoint rotate(String orgId, UUID id, String actor) {
        WebhookEndpoint e = find(orgId, id);
        Instant now = clock.instant();
        e.previousSecret = e.secret;
        e.previousUntil = now.plus(ROTATION_OVERLAP);
        e.secret = StandardWebhooks.newSecret();
        e.updatedAt = now;
        EndpointView view = EndpointView.of(e);
        audit.record(orgId, actor, "webhook_endpoint.secret_rotated", "webhook_endpoint:" + id, null, view);
        return new CreatedEndpoint(e.secret, view);
    }

    /** A {@code test.ping} event, delivered to this endpoint only (whatever it subscribes to), like any other. */
    @Transactional
    public DeliveryView ping(String orgId, UUID id) {
        WebhookEndpoint e = find(orgId, id);
        Instant now = clock.instant();
        Map<String, Object> data = new LinkedHashMap<>();
        data.put("orgId", orgId);
        data.put("endpointId", id.toString());
        BillingEvent event = new BillingEvent();
        event.id = "evt_" + UUID.randomUUID().toString().replace("-", "");
        event.orgId = orgId;
        event.type = EventTypes.TEST_PING;
        event.payload = events.write(data);
        event.occurredAt = now;
        event.createdAt = now;
        em.persist(event);
        em.flush();
        return view(events.enqueue(event, e), event.type, List.of());
    }

    /** Re-sends one event to every endpoint now subscribed to its type (a new delivery, the same event id). */
    @Transactional
    public ReplayResult replay(String orgId, String eventId) {
        BillingEvent event = events.find(orgId, eventId).orElseThrow(() -> ApiException
                .notFound("billing_event_not_found", "No billing event '" + eventId + "' in this organisation."));
        return new ReplayResult(1, fanOut(event, endpoints(orgId)));
    }

    /** Re-sends every event that occurred in [from, to), oldest first. */
    @Transactional
    public ReplayResult replay(String orgId, ReplayRange range) {
        Instant from = instant(range.from());
        Instant to = instant(range.to());
        if (!from.isBefore(to)) {
            throw ApiException.badRequest("invalid_range", "'from' must be before 'to'.");
        }
        List<BillingEvent> found = em.createQuery("from BillingEvent e where e.orgId = ?1 and e.occurredAt >= ?2 "
                + "and e.occurredAt < ?3 and e.type <> ?4 order by e.occurredAt, e.seq", BillingEvent.class)
                .setParameter(1, orgId).setParameter(2, from).setParameter(3, to).setParameter(4, EventTypes.TEST_PING)
                .setMaxResults(MAX_REPLAY + 1).getResultList();
        if (found.size() > MAX_REPLAY) {
            throw ApiException.badRequest("replay_too_large",
                    "More than " + MAX_REPLAY + " events in the range; replay a shorter range.");
        }
        List<WebhookEndpoint> endpoints = endpoints(orgId);
        int deliveries = 0;
        for (BillingEvent e : found) {
            deliveries += fanOut(e, endpoints);
        }
        return new ReplayResult(found.size(), deliveries);
    }

    /** The delivery log, newest first, with every attempt's response code. */
    public CursorPage<DeliveryView> deliveries(String orgId, String endpointId, String eventId, String cursor,
            Integer limit) {
        int size = Cursors.limit(limit);
        long before = Long.MAX_VALUE;
        if (cursor != null) {
            try {
                before = Long.parseLong(Cursors.decode(cursor, 1).get(0));
            } catch (IllegalArgumentException e) {
                throw ApiException.badRequest("invalid_cursor", "The cursor is not one this API issued.");
            }
        }
        UUID endpoint = endpointId == null ? null : uuid(endpointId);
        // filters added only when given: a null parameter has no type PostgreSQL could infer
        String jpql = "from WebhookDelivery d where d.orgId = :org and d.seq < :before"
                + (endpoint == null ? "" : " and d.endpointId = :endpoint")
                + (eventId == null ? "" : " and d.eventId = :event") + " order by d.seq desc";
        var query = em.createQuery(jpql, WebhookDelivery.class).setParameter("org", orgId)
                .setParameter("before", before);
        if (endpoint != null) {
            query.setParameter("endpoint", endpoint);
        }
        if (eventId != null) {
            query.setParameter("event", eventId);
        }
        List<WebhookDelivery> rows = query.setMaxResults(size + 1).getResultList();
        String next = null;
        if (rows.size() > size) {
            rows = rows.subList(0, size);
            next = Cursors.encode(Long.toString(rows.get(size - 1).seq));
        }
        return CursorPage.of(rows.stream().map(d -> view(d, em.find(BillingEvent.class, d.eventId).type,
                em.createQuery("from WebhookAttempt a where a.deliveryId = ?1 order by a.attempt, a.at",
                        WebhookAttempt.class).setParameter(1, d.id).getResultList().stream()
                        .map(a -> new AttemptView(a.attempt, a.at, a.responseCode, a.durationMs, a.error)).toList()))
                .toList(), next);
    }

    private int fanOut(BillingEvent event, List<WebhookEndpoint> endpoints) {
        int n = 0;
        for (WebhookEndpoint e : endpoints) {
            if (e.receives(event.type)) {
                events.enqueue(event, e);
                n++;
            }
        }
        return n;
    }

    private List<WebhookEndpoint> endpoints(String orgId) {
        return em.createQuery("from WebhookEndpoint e where e.orgId = ?1 and e.enabled = true and e.deletedAt is null "
                + "order by e.createdAt, e.id", WebhookEndpoint.class).setParameter(1, orgId).getResultList();
    }

    private static DeliveryView view(WebhookDelivery d, String type, List<AttemptView> tries) {
        return new DeliveryView(d.id.toString(), d.eventId, type, d.endpointId.toString(), d.status.wire(),
                d.attempts, d.lastStatus, d.lastError, d.createdAt,
                d.status == WebhookDeliveryStatus.PENDING ? d.nextAttemptAt : null,
                d.deliveredAt, tries);
    }

    WebhookEndpoint find(String orgId, UUID id) {
        WebhookEndpoint e = em.find(WebhookEndpoint.class, id);
        if (e == null || !e.orgId.equals(orgId) || e.deletedAt != null) {
            throw notFound();
        }
        return e;
    }

    static ApiException notFound() {
        return ApiException.notFound("webhook_endpoint_not_found", "No such webhook endpoint in this organisation.");
    }

    static UUID uuid(String id) {
        try {
            return UUID.fromString(id);
        } catch (IllegalArgumentException e) {
            throw notFound();
        }
    }

    /** The suite's one outbound-URL policy; checked again at each delivery, after DNS. */
    private void requireAllowed(String url) {
        outbound.refusal(url.strip()).ifPresent(why -> {
            throw ApiException.unprocessable("webhook_url_not_allowed", "The webhook URL is refused: " + why + ".");
        });
    }

    /** Known types only (an unknown one would silently receive nothing); {@code *} alone means every type. */
    static String types(List<String> requested) {
        LinkedHashSet<String> types = new LinkedHashSet<>();
        for (String t : requested) {
            String type = t.strip();
            if (!type.equals(EventTypes.ALL)
                    && (!EventTypes.KNOWN.contains(type) || type.equals(EventTypes.TEST_PING))) {
                throw ApiException.unprocessable("unknown_event_type", "'" + type + "' is not an event type; "
                        + "see docs/webhooks.md for the list, or use '*'.");
            }
            types.add(type);
        }
        if (types.contains(EventTypes.ALL) && types.size() > 1) {
            throw ApiException.unprocessable("unknown_event_type", "'*' stands alone: it already means every type.");
        }
        return String.join(",", types);
    }

    private static Instant instant(String value) {
        try {
            return Instant.parse(value);
        } catch (java.time.format.DateTimeParseException e) {
            throw ApiException.badRequest("invalid_range", "'from' and 'to' are ISO-8601 instants, e.g. "
                    + "2026-03-01T00:00:00Z.");
        }
    }
}
