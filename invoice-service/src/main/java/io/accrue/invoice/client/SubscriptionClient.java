package io.accrue.invoice.client;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;

import jakarta.enterprise.context.ApplicationScoped;

import org.eclipse.microprofile.faulttolerance.CircuitBreaker;
import org.eclipse.microprofile.faulttolerance.Retry;
import org.eclipse.microprofile.faulttolerance.Timeout;
import org.eclipse.microprofile.rest.client.inject.RestClient;

import com.fasterxml.jackson.databind.JsonNode;

import io.accrue.invoice.client.SubscriptionRecords.AccountPage;
import io.accrue.invoice.client.SubscriptionRecords.EventPage;
import io.accrue.invoice.client.SubscriptionRecords.PlanVersion;
import io.accrue.invoice.client.SubscriptionRecords.Subscription;
import io.accrue.invoice.client.SubscriptionRecords.SubscriptionEvent;
import io.smallrye.faulttolerance.api.CircuitBreakerName;

/**
 * subscription-service, behind one circuit breaker for the whole neighbour: every method goes through
 * {@link #guarded}, the one fault-tolerant method (Quarkus allows a breaker name on one method only, and calls to
 * it from this class are intercepted). Every call is a read, or the publishing of a billing event, which
 * subscription-service de-duplicates on its id, so all are retried. The annotation values are
 * defaults; application.properties sets them ({@code io.accrue.invoice.client.SubscriptionClient/guarded/...}).
 * No fallback: a missing input fails the caller, which retries later; nothing is guessed.
 */
@ApplicationScoped
public class SubscriptionClient {

    public static final String NAME = "subscription-service";

    private final SubscriptionApi api;

    SubscriptionClient(@RestClient SubscriptionApi api) {
        this.api = api;
    }

    public AccountPage accounts(String cursor) {
        return guarded(() -> api.accounts(cursor, 200));
    }

    public SubscriptionRecords.Account account(String orgId) {
        return guarded(() -> api.account(orgId));
    }

    public Subscription subscription(String orgId) {
        return guarded(() -> api.subscription(orgId));
    }

    /** The whole timeline up to {@code to}, all pages, in one guarded call. */
    public List<SubscriptionEvent> events(String orgId, Instant from, Instant to) {
        return guarded(() -> {
            List<SubscriptionEvent> all = new ArrayList<>();
            String cursor = null;
            do {
                var page = api.events(orgId, from, to, cursor);
                all.addAll(page.items() == null ? List.of() : page.items());
                cursor = page.hasMore() ? page.nextCursor() : null;
            } while (cursor != null);
            return all;
        });
    }

    public PlanVersion plan(String slug, int version, String currency) {
        return guarded(() -> api.plan(slug, version, currency));
    }

    public EventPage eventPage(String orgId, Instant from, Instant to, String cursor) {
        return guarded(() -> api.events(orgId, from, to, cursor));
    }

    public JsonNode auditPage(String orgId, String cursor) {
        return guarded(() -> api.audit(orgId, cursor, 200));
    }

    /** Publishes a billing event; the same id again is answered as already published, so a retry is harmless. */
    public void publish(SubscriptionRecords.PublishEvent event) {
        guarded(() -> api.publish(event));
    }

    /** One attempt is bounded by the timeout (each HTTP request also by the REST client's read timeout). */
    @Timeout(20_000)
    @Retry(maxRetries = 2, delay = 200, abortOn = NeighbourRejected.class)
    @CircuitBreaker(requestVolumeThreshold = 20, failureRatio = 0.5, delay = 10_000, skipOn = NeighbourRejected.class)
    @CircuitBreakerName(NAME)
    <T> T guarded(Supplier<T> request) {
        return NeighbourCalls.call(NAME, request);
    }
}
