package io.accrue.contract.client;

import java.util.Map;
import java.util.function.Supplier;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.ws.rs.ProcessingException;
import jakarta.ws.rs.WebApplicationException;

import org.eclipse.microprofile.faulttolerance.CircuitBreaker;
import org.eclipse.microprofile.faulttolerance.Retry;
import org.eclipse.microprofile.faulttolerance.Timeout;
import org.eclipse.microprofile.rest.client.inject.RestClient;

import io.accrue.common.http.NeighbourAnswers;
import io.smallrye.faulttolerance.api.CircuitBreakerName;

/**
 * contract-service's one client of subscription-service, behind one circuit breaker for the neighbour: every call goes
 * through {@link #guarded} (as invoice-service's clients do). Publishing is idempotent on the event id, so it is
 * retried. A 4xx is subscription-service's answer ({@link Rejected}: not retried, not counted by the breaker); a 5xx,
 * a transport failure or a timeout is {@link Unavailable} (retried, counted). The annotation values are defaults;
 * application.properties sets them ({@code io.accrue.contract.client.SubscriptionClient/guarded/...}).
 */
@ApplicationScoped
public class SubscriptionClient {

    public static final String NAME = "subscription-service";

    /** A billing event as {@code POST /v1/billing-events} takes it (docs/webhooks.md). */
    public record PublishEvent(String id, String orgId, String type, String occurredAt, Map<String, Object> data) {}

    /** subscription-service could not be reached, or failed (5xx). */
    public static class Unavailable extends RuntimeException {
        Unavailable(String message, Throwable cause) {
            super(message, cause);
        }
    }

    /** subscription-service refused the request (a 4xx other than 408 and 429): asking again cannot change that. */
    public static final class Rejected extends Unavailable {
        private final int status;

        Rejected(int status, Throwable cause) {
            super(NAME + " rejected the request: HTTP " + status, cause);
            this.status = status;
        }

        public int status() {
            return status;
        }

        /** The rejection somewhere in a failure's cause chain, or null. */
        public static Rejected in(Throwable failure) {
            for (Throwable t = failure; t != null; t = t.getCause() == t ? null : t.getCause()) {
                if (t instanceof Rejected r) {
                    return r;
                }
            }
            return null;
        }
    }

    private final SubscriptionApi api;

    SubscriptionClient(@RestClient SubscriptionApi api) {
        this.api = api;
    }

    public void publish(PublishEvent event) {
        guarded(() -> api.publish(event));
    }

    @Timeout(5_000)
    @Retry(maxRetries = 2, delay = 200, abortOn = Rejected.class)
    @CircuitBreaker(requestVolumeThreshold = 20, failureRatio = 0.5, delay = 10_000, skipOn = Rejected.class)
    @CircuitBreakerName(NAME)
    <T> T guarded(Supplier<T> request) {
        try {
            return request.get();
        } catch (WebApplicationException e) {
            int status = e.getResponse().getStatus();
            throw NeighbourAnswers.isPermanentRefusal(status)
                    ? new Rejected(status, e)
                    : new Unavailable(NAME + " answered HTTP " + status, e);
        } catch (ProcessingException e) {
            throw new Unavailable(NAME + " did not answer: " + e.getMessage(), e);
        }
    }
}
