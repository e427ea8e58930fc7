package io.accrue.subscription.status;

import java.time.Instant;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.ws.rs.WebApplicationException;

import org.eclipse.microprofile.faulttolerance.CircuitBreaker;
import org.eclipse.microprofile.faulttolerance.Fallback;
import org.eclipse.microprofile.faulttolerance.Retry;
import org.eclipse.microprofile.faulttolerance.Timeout;
import org.eclipse.microprofile.rest.client.inject.RestClient;

import io.accrue.common.http.NeighbourAnswers;
import io.smallrye.faulttolerance.api.CircuitBreakerName;

/**
 * usage-service, behind its own circuit breaker: this period's usage counts for the status answer. The status
 * must answer while usage-service is down, so any failure (timeout, open circuit, error answer) becomes
 * "unavailable" rather than an error. A 4xx is usage-service's answer ({@link Rejected}): not retried, not counted
 * by the breaker, still "unavailable" to the status. Values here are defaults; application.properties sets them
 * ({@code io.accrue.subscription.status.UsageClient/thisPeriod/...}).
 */
@ApplicationScoped
public class UsageClient {

    public static final String NAME = "usage-service";

    public record Usage(boolean available, Long llmTokens, Long agentSessions) {
        static final Usage UNAVAILABLE = new Usage(false, null, null);
    }

    /** usage-service answered with a 4xx (other than 408/429): asking again cannot change the answer. */
    static class Rejected extends RuntimeException {
        Rejected(WebApplicationException cause) {
            super(NAME + " rejected the request: HTTP " + cause.getResponse().getStatus(), cause);
        }
    }

    private final UsageApi usage;

    UsageClient(@RestClient UsageApi usage) {
        this.usage = usage;
    }

    @Timeout(2000)
    @Retry(maxRetries = 1, delay = 100, abortOn = Rejected.class)
    @CircuitBreaker(requestVolumeThreshold = 8, failureRatio = 0.5, delay = 10_000, skipOn = Rejected.class)
    @CircuitBreakerName(NAME)
    @Fallback(fallbackMethod = "unavailable")
    public Usage thisPeriod(String orgId, Instant from, Instant to) {
        UsageApi.Summary s = NeighbourAnswers.refusalAs(Rejected::new, () -> usage.summary(orgId, "live", from, to));
        return new Usage(true, s.totals().totalTokens(), s.totals().agentSessions());
    }

    Usage unavailable(String orgId, Instant from, Instant to) {
        return Usage.UNAVAILABLE;
    }
}
