package io.accrue.invoice.client;

import java.math.BigDecimal;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.ws.rs.WebApplicationException;

import org.eclipse.microprofile.faulttolerance.CircuitBreaker;
import org.eclipse.microprofile.faulttolerance.Retry;
import org.eclipse.microprofile.faulttolerance.Timeout;
import org.eclipse.microprofile.rest.client.inject.RestClient;

import com.fasterxml.jackson.databind.JsonNode;

import io.accrue.invoice.client.ContractRecords.CreditReturn;
import io.accrue.invoice.client.ContractRecords.Drawdown;
import io.accrue.invoice.client.ContractRecords.Reservation;
import io.accrue.invoice.client.ContractRecords.ReserveCredits;
import io.accrue.invoice.client.ContractRecords.Terms;
import io.accrue.invoice.client.SubscriptionRecords.AccountPage;
import io.accrue.invoice.client.SubscriptionRecords.PlanVersion;
import io.accrue.invoice.client.SubscriptionRecords.Subscription;
import io.accrue.invoice.client.SubscriptionRecords.SubscriptionEvent;
import io.accrue.invoice.client.UsageRecords.Summary;

/**
 * The neighbours, wrapped in fault tolerance: a timeout everywhere, retries on reads and on the drawdown (which
 * contract-service makes idempotent per invoice), a circuit breaker per call. There are no fallbacks: a missing
 * input fails the caller, which retries later; nothing is guessed.
 */
@ApplicationScoped
public class NeighbourClients {

    private final SubscriptionApi subscriptions;
    private final UsageApi usage;
    private final ContractApi contracts;

    NeighbourClients(@RestClient SubscriptionApi subscriptions, @RestClient UsageApi usage,
            @RestClient ContractApi contracts) {
        this.subscriptions = subscriptions;
        this.usage = usage;
        this.contracts = contracts;
    }

    @Timeout(10_000)
    @Retry(maxRetries = 2, delay = 200, abortOn = NeighbourRejected.class)
    @CircuitBreaker(requestVolumeThreshold = 20, failureRatio = 0.5, delay = 10_000, skipOn = NeighbourRejected.class)
    public AccountPage accounts(String cursor) {
        return call("subscription-service", () -> subscriptions.accounts(cursor, 200));
    }

    @Timeout(10_000)
    @Retry(maxRetries = 2, delay = 200, abortOn = NeighbourRejected.class)
    @CircuitBreaker(requestVolumeThreshold = 20, failureRatio = 0.5, delay = 10_000, skipOn = NeighbourRejected.class)
    public SubscriptionRecords.Account account(String orgId) {
        return call("subscription-service", () -> subscriptions.account(orgId));
    }

    @Timeout(10_000)
    @Retry(maxRetries = 2, delay = 200, abortOn = NeighbourRejected.class)
    @CircuitBreaker(requestVolumeThreshold = 20, failureRatio = 0.5, delay = 10_000, skipOn = NeighbourRejected.class)
    public Subscription subscription(String orgId) {
        return call("subscription-service", () -> subscriptions.subscription(orgId));
    }

    /** The whole timeline up to {@code to}, all pages. */
    @Timeout(20_000)
    @Retry(maxRetries = 2, delay = 200, abortOn = NeighbourRejected.class)
    @CircuitBreaker(requestVolumeThreshold = 20, failureRatio = 0.5, delay = 10_000, skipOn = NeighbourRejected.class)
    public List<SubscriptionEvent> events(String orgId, Instant from, Instant to) {
        return call("subscription-service", () -> {
            List<SubscriptionEvent> all = new ArrayList<>();
            String cursor = null;
            do {
                var page = subscriptions.events(orgId, from, to, cursor);
                all.addAll(page.items() == null ? List.of() : page.items());
                cursor = page.hasMore() ? page.nextCursor() : null;
            } while (cursor != null);
            return all;
        });
    }

    @Timeout(10_000)
    @Retry(maxRetries = 2, delay = 200, abortOn = NeighbourRejected.class)
    @CircuitBreaker(requestVolumeThreshold = 20, failureRatio = 0.5, delay = 10_000, skipOn = NeighbourRejected.class)
    public PlanVersion plan(String slug, int version, String currency) {
        return call("subscription-service", () -> subscriptions.plan(slug, version, currency));
    }

    @Timeout(15_000)
    @Retry(maxRetries = 2, delay = 200, abortOn = NeighbourRejected.class)
    @CircuitBreaker(requestVolumeThreshold = 20, failureRatio = 0.5, delay = 10_000, skipOn = NeighbourRejected.class)
    public Summary usage(String orgId, Instant from, Instant to, Instant recordedBefore) {
        return call("usage-service", () -> usage.summary(orgId, "live", from, to,
                recordedBefore == null ? null : recordedBefore.truncatedTo(ChronoUnit.MILLIS)));
    }

    /** The contract terms at an instant; empty when the organisation has no active contract (404). */
    @Timeout(10_000)
    @Retry(maxRetries = 2, delay = 200, abortOn = NeighbourRejected.class)
    @CircuitBreaker(requestVolumeThreshold = 20, failureRatio = 0.5, delay = 10_000, skipOn = NeighbourRejected.class)
    public Optional<Terms> terms(String orgId, Instant at) {
        try {
            return Optional.of(contracts.terms(orgId, at));
        } catch (WebApplicationException e) {
            if (e.getResponse().getStatus() == 404) {
                return Optional.empty(); // "no active contract" is an answer, not an outage
            }
            throw NeighbourRejected.isRejection(e)
                    ? NeighbourRejected.of("contract-service", e)
                    : new NeighbourUnavailable("contract-service", e);
        } catch (jakarta.ws.rs.ProcessingException e) {
            throw new NeighbourUnavailable("contract-service", e);
        }
    }

    @Timeout(10_000)
    @Retry(maxRetries = 2, delay = 200, abortOn = NeighbourRejected.class)
    @CircuitBreaker(requestVolumeThreshold = 20, failureRatio = 0.5, delay = 10_000, skipOn = NeighbourRejected.class)
    public void drawdown(String orgId, String contractId, Drawdown drawdown) {
        call("contract-service", () -> contracts.drawdown(orgId, contractId, drawdown));
    }

    /** Idempotent per reference: a repeat resizes the same reservation, so it may be retried. */
    @Timeout(10_000)
    @Retry(maxRetries = 2, delay = 200, abortOn = NeighbourRejected.class)
    @CircuitBreaker(requestVolumeThreshold = 20, failureRatio = 0.5, delay = 10_000, skipOn = NeighbourRejected.class)
    public Reservation reserveCredits(String orgId, String contractId, String reference, BigDecimal upTo) {
        return call("contract-service",
                () -> contracts.reserve(orgId, contractId, reference, new ReserveCredits(upTo)));
    }

    /** Releases held credits; a reservation that never existed is already released. */
    @Timeout(10_000)
    @Retry(maxRetries = 2, delay = 200, abortOn = NeighbourRejected.class)
    @CircuitBreaker(requestVolumeThreshold = 20, failureRatio = 0.5, delay = 10_000, skipOn = NeighbourRejected.class)
    public void releaseCredits(String orgId, String contractId, String reference) {
        try {
            contracts.release(orgId, contractId, reference);
        } catch (WebApplicationException e) {
            if (e.getResponse().getStatus() == 404) {
                return;
            }
            throw NeighbourRejected.isRejection(e)
                    ? NeighbourRejected.of("contract-service", e)
                    : new NeighbourUnavailable("contract-service", e);
        } catch (jakarta.ws.rs.ProcessingException e) {
            throw new NeighbourUnavailable("contract-service", e);
        }
    }

    @Timeout(10_000)
    @Retry(maxRetries = 2, delay = 200, abortOn = NeighbourRejected.class)
    @CircuitBreaker(requestVolumeThreshold = 20, failureRatio = 0.5, delay = 10_000, skipOn = NeighbourRejected.class)
    public void giveBackCredits(String orgId, String contractId, CreditReturn request) {
        call("contract-service", () -> contracts.giveBack(orgId, contractId, request));
    }

    @Timeout(15_000)
    @Retry(maxRetries = 2, delay = 200, abortOn = NeighbourRejected.class)
    @CircuitBreaker(requestVolumeThreshold = 20, failureRatio = 0.5, delay = 10_000, skipOn = NeighbourRejected.class)
    public JsonNode contractPage(String orgId, String cursor) {
        return call("contract-service", () -> contracts.contracts(orgId, cursor));
    }

    @Timeout(15_000)
    @Retry(maxRetries = 2, delay = 200, abortOn = NeighbourRejected.class)
    @CircuitBreaker(requestVolumeThreshold = 20, failureRatio = 0.5, delay = 10_000, skipOn = NeighbourRejected.class)
    public SubscriptionRecords.EventPage eventPage(String orgId, Instant from, Instant to, String cursor) {
        return call("subscription-service", () -> subscriptions.events(orgId, from, to, cursor));
    }

    @Timeout(15_000)
    @Retry(maxRetries = 2, delay = 200, abortOn = NeighbourRejected.class)
    @CircuitBreaker(requestVolumeThreshold = 20, failureRatio = 0.5, delay = 10_000, skipOn = NeighbourRejected.class)
    public JsonNode auditPage(String orgId, String cursor) {
        return call("subscription-service", () -> subscriptions.audit(orgId, cursor, 200));
    }

    private static <T> T call(String neighbour, java.util.function.Supplier<T> call) {
        try {
            return call.get();
        } catch (WebApplicationException e) {
            // a 4xx is the neighbour's answer, not an outage: not retried, shown to operators as permanent
            throw NeighbourRejected.isRejection(e)
                    ? NeighbourRejected.of(neighbour, e)
                    : new NeighbourUnavailable(neighbour, e);
        } catch (jakarta.ws.rs.ProcessingException e) {
            throw new NeighbourUnavailable(neighbour, e);
        }
    }
}
