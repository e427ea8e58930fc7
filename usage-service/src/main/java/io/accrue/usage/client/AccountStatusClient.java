package io.accrue.usage.client;

import java.util.function.Supplier;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.ws.rs.WebApplicationException;

import org.eclipse.microprofile.faulttolerance.CircuitBreaker;
import org.eclipse.microprofile.faulttolerance.Fallback;
import org.eclipse.microprofile.faulttolerance.Retry;
import org.eclipse.microprofile.faulttolerance.Timeout;
import org.eclipse.microprofile.rest.client.inject.RestClient;
import org.jboss.logging.Logger;

import io.accrue.common.http.NeighbourAnswers;
import io.smallrye.faulttolerance.api.CircuitBreakerName;

/**
 * subscription-service (usage-service's one neighbour) behind one circuit breaker: every call goes through
 * {@link #guarded}, the one method with timeout, retry (every call is safe to repeat: GETs, and the billing-event
 * publish, idempotent on the event id) and the breaker (Quarkus allows a breaker
 * name on one method only; calls to it from this class are intercepted). A 4xx is subscription-service's answer
 * ({@link SubscriptionRejected}, still a {@link WebApplicationException} with its status): not retried, not counted.
 * 5xx, transport failures and timeouts are retried and counted. Values here are defaults; application.properties
 * sets them ({@code io.accrue.usage.client.AccountStatusClient/guarded/...}).
 *
 * <p>
 * Quota checks sit on every model call, so an unreachable subscription-service must not stop all traffic: the status
 * lookup has a tighter bound of its own and then answers "unknown", and {@link AccountStatusCache} keeps using the
 * last status it did answer (bounded staleness), so only an organisation without a recent answer is allowed and
 * flagged.
 */
@ApplicationScoped
public class AccountStatusClient {

    public static final String NAME = "subscription-service";

    private static final Logger LOG = Logger.getLogger(AccountStatusClient.class);

    /** subscription-service answered with a 4xx (other than 408/429): asking again cannot change the answer. */
    public static class SubscriptionRejected extends WebApplicationException {
        SubscriptionRejected(WebApplicationException cause) {
            super(cause.getMessage(), cause, cause.getResponse());
        }
    }

    private final SubscriptionApi api;

    AccountStatusClient(@RestClient SubscriptionApi api) {
        this.api = api;
    }

    /** The status (on the quota path: the whole lookup, retries included, within 500 ms), or "unknown". */
    @Timeout(500)
    @Fallback(fallbackMethod = "unknown", skipOn = SubscriptionRejected.class)
    public AccountStatus fetch(String orgId) {
        return guarded(() -> api.status(orgId, false));
    }

    /** The account, for metering; no fallback: without it the window is simply queued on a later run. */
    public Account account(String orgId) {
        return guarded(() -> api.account(orgId));
    }

    /** The subscription, for metering (its billing mode); no fallback either. */
    public Subscription subscription(String orgId) {
        return guarded(() -> api.subscription(orgId));
    }

    /**
     * Publishes a billing event (budget alerts: {@code usage.threshold_reached}); no fallback: the outbox keeps the
     * event and publishes it again later. A 4xx answer is {@link SubscriptionRejected}.
     */
    public void publish(BillingEventRequest event) {
        guarded(() -> {
            api.publish(event);
            return null;
        });
    }

    @Timeout(2000)
    @Retry(maxRetries = 2, delay = 200, abortOn = SubscriptionRejected.class)
    @CircuitBreaker(requestVolumeThreshold = 10, failureRatio = 0.5, delay = 5000, skipOn = SubscriptionRejected.class)
    @CircuitBreakerName(NAME)
    <T> T guarded(Supplier<T> request) {
        return NeighbourAnswers.refusalAs(SubscriptionRejected::new, request);
    }

    AccountStatus unknown(String orgId) {
        LOG.warnf(
                "account status of %s unavailable; quota checks use the last known status (bounded), else allow and flag",
                orgId);
        return new AccountStatus(orgId, "unknown");
    }
}
