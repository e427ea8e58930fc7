package io.accrue.invoice.client;

import java.math.BigDecimal;
import java.time.Instant;
import java.util.Optional;
import java.util.function.Supplier;

import jakarta.enterprise.context.ApplicationScoped;

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
import io.smallrye.faulttolerance.api.CircuitBreakerName;

/**
 * contract-service, behind its own circuit breaker ({@link #guarded}, as in {@link SubscriptionClient}). Every
 * call may be retried: the reads, and the writes contract-service makes idempotent (a drawdown per invoice, a
 * reservation per reference, a credit return per credit note). Defaults here; application.properties sets them
 * ({@code io.accrue.invoice.client.ContractClient/guarded/...}). No fallback.
 */
@ApplicationScoped
public class ContractClient {

    public static final String NAME = "contract-service";

    private final ContractApi api;

    ContractClient(@RestClient ContractApi api) {
        this.api = api;
    }

    /** The contract terms at an instant; empty when the organisation has no active contract (404). */
    public Optional<Terms> terms(String orgId, Instant at) {
        return NeighbourCalls.absentOn404(() -> guarded(() -> api.terms(orgId, at)));
    }

    public void drawdown(String orgId, String contractId, Drawdown drawdown) {
        guarded(() -> api.drawdown(orgId, contractId, drawdown));
    }

    /** Idempotent per reference: a repeat resizes the same reservation, so it may be retried. */
    public Reservation reserveCredits(String orgId, String contractId, String reference, BigDecimal upTo) {
        return guarded(() -> api.reserve(orgId, contractId, reference, new ReserveCredits(upTo)));
    }

    /** Releases held credits; a reservation that never existed (404) is already released. */
    public void releaseCredits(String orgId, String contractId, String reference) {
        NeighbourCalls.absentOn404(() -> guarded(() -> api.release(orgId, contractId, reference)));
    }

    public void giveBackCredits(String orgId, String contractId, CreditReturn request) {
        guarded(() -> api.giveBack(orgId, contractId, request));
    }

    public JsonNode contractPage(String orgId, String cursor) {
        return guarded(() -> api.contracts(orgId, cursor));
    }

    @Timeout(15_000)
    @Retry(maxRetries = 2, delay = 200, abortOn = NeighbourRejected.class)
    @CircuitBreaker(requestVolumeThreshold = 20, failureRatio = 0.5, delay = 10_000, skipOn = NeighbourRejected.class)
    @CircuitBreakerName(NAME)
    <T> T guarded(Supplier<T> request) {
        return NeighbourCalls.call(NAME, request);
    }
}
