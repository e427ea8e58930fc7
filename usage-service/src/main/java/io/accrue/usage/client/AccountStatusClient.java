package io.accrue.usage.client;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.ws.rs.WebApplicationException;

import org.eclipse.microprofile.faulttolerance.CircuitBreaker;
import org.eclipse.microprofile.faulttolerance.Fallback;
import org.eclipse.microprofile.faulttolerance.Retry;
import org.eclipse.microprofile.faulttolerance.Timeout;
import org.eclipse.microprofile.rest.client.inject.RestClient;
import org.jboss.logging.Logger;

/**
 * subscription-service's account status behind timeout, retry (a GET, so idempotent), circuit breaker and a
 * fallback. Quota checks sit on every model call, so an unreachable subscription-service must not stop all
 * traffic: the answer is then "unknown", and {@link AccountStatusCache} keeps using the last status it did answer
 * (bounded staleness), so only an organisation without a recent answer is allowed and flagged.
 */
@ApplicationScoped
public class AccountStatusClient {

    private static final Logger LOG = Logger.getLogger(AccountStatusClient.class);

    private final SubscriptionApi api;

    AccountStatusClient(@RestClient SubscriptionApi api) {
        this.api = api;
    }

    /** The status, or null when the organisation has no account (nothing to suspend) or it is unknown. */
    @Timeout(500)
    @Retry(maxRetries = 1, delay = 50, abortOn = WebApplicationException.class)
    @CircuitBreaker(requestVolumeThreshold = 10, failureRatio = 0.5, delay = 5000, skipOn = WebApplicationException.class)
    @Fallback(fallbackMethod = "unknown", skipOn = WebApplicationException.class)
    public AccountStatus fetch(String orgId) {
        return api.status(orgId);
    }

    /** The account, for metering; no fallback: without it the window is simply queued on a later run. */
    @Timeout(2000)
    @Retry(maxRetries = 2, delay = 200, abortOn = WebApplicationException.class)
    @CircuitBreaker(requestVolumeThreshold = 10, failureRatio = 0.5, delay = 5000, skipOn = WebApplicationException.class)
    public Account account(String orgId) {
        return api.account(orgId);
    }

    /** The subscription, for metering (its billing mode); no fallback either. */
    @Timeout(2000)
    @Retry(maxRetries = 2, delay = 200, abortOn = WebApplicationException.class)
    @CircuitBreaker(requestVolumeThreshold = 10, failureRatio = 0.5, delay = 5000, skipOn = WebApplicationException.class)
    public Subscription subscription(String orgId) {
        return api.subscription(orgId);
    }

    AccountStatus unknown(String orgId) {
        LOG.warnf(
                "account status of %s unavailable; quota checks use the last known status (bounded), else allow and flag",
                orgId);
        return new AccountStatus(orgId, "unknown");
    }
}
