package io.accrue.invoice.client;

import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.function.Supplier;

import jakarta.enterprise.context.ApplicationScoped;

import org.eclipse.microprofile.faulttolerance.CircuitBreaker;
import org.eclipse.microprofile.faulttolerance.Retry;
import org.eclipse.microprofile.faulttolerance.Timeout;
import org.eclipse.microprofile.rest.client.inject.RestClient;

import io.accrue.invoice.client.UsageRecords.Summary;
import io.smallrye.faulttolerance.api.CircuitBreakerName;

/**
 * usage-service, behind its own circuit breaker ({@link #guarded}, as in {@link SubscriptionClient}); the summary
 * is a read, so it is retried. Defaults here; application.properties sets them
 * ({@code io.accrue.invoice.client.UsageClient/guarded/...}). No fallback.
 */
@ApplicationScoped
public class UsageClient {

    public static final String NAME = "usage-service";

    private final UsageApi api;

    UsageClient(@RestClient UsageApi api) {
        this.api = api;
    }

    /** The live usage of {@code [from, to)}; {@code recordedBefore} (optional) freezes it at a close's instant. */
    public Summary usage(String orgId, Instant from, Instant to, Instant recordedBefore) {
        return guarded(() -> api.summary(orgId, "live", from, to,
                recordedBefore == null ? null : recordedBefore.truncatedTo(ChronoUnit.MILLIS)));
    }

    @Timeout(15_000)
    @Retry(maxRetries = 2, delay = 200, abortOn = NeighbourRejected.class)
    @CircuitBreaker(requestVolumeThreshold = 20, failureRatio = 0.5, delay = 10_000, skipOn = NeighbourRejected.class)
    @CircuitBreakerName(NAME)
    <T> T guarded(Supplier<T> request) {
        return NeighbourCalls.call(NAME, request);
    }
}
