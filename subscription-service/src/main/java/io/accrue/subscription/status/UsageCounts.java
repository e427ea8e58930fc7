package io.accrue.subscription.status;

import java.time.Instant;

import jakarta.enterprise.context.ApplicationScoped;

import org.eclipse.microprofile.faulttolerance.CircuitBreaker;
import org.eclipse.microprofile.faulttolerance.Fallback;
import org.eclipse.microprofile.faulttolerance.Retry;
import org.eclipse.microprofile.faulttolerance.Timeout;
import org.eclipse.microprofile.rest.client.inject.RestClient;

/**
 * This period's usage counts for the status answer. The status must answer while usage-service is down, so
 * any failure (timeout, open circuit, error answer) becomes "unavailable" rather than an error.
 */
@ApplicationScoped
public class UsageCounts {

    public record Usage(boolean available, Long llmTokens, Long agentSessions) {
        static final Usage UNAVAILABLE = new Usage(false, null, null);
    }

    private final UsageApi usage;

    UsageCounts(@RestClient UsageApi usage) {
        this.usage = usage;
    }

    @Timeout(value = 2000)
    @Retry(maxRetries = 1, delay = 100)
    @CircuitBreaker(requestVolumeThreshold = 8, failureRatio = 0.5, delay = 10_000)
    @Fallback(fallbackMethod = "unavailable")
    public Usage thisPeriod(String orgId, Instant from, Instant to) {
        UsageApi.Summary s = usage.summary(orgId, "live", from, to);
        return new Usage(true, s.totals().totalTokens(), s.totals().agentSessions());
    }

    Usage unavailable(String orgId, Instant from, Instant to) {
        return Usage.UNAVAILABLE;
    }
}
