package io.accrue.invoice.run;

import org.eclipse.microprofile.faulttolerance.exceptions.FaultToleranceException;

import io.accrue.invoice.client.NeighbourRejected;
import io.accrue.invoice.client.NeighbourUnavailable;
import io.accrue.invoice.fx.MissingExchangeRate;

/**
 * Why an ended period is still unbilled: the stable codes operators see (docs/billing-rules.md, "Unbilled periods").
 * Each says whether retrying can help; a neighbour's 4xx cannot, and waits for an operator.
 */
public enum FailureCause {
    /** A neighbour did not answer (down, timeout, circuit open, 5xx). */
    NEIGHBOUR_UNAVAILABLE(true),
    /** A neighbour refused the request with a 4xx: asking again gives the same answer. */
    NEIGHBOUR_REJECTED(false),
    /** The period has usage events usage-service has not priced yet; billed once they are. */
    USAGE_NOT_PRICED(true),
    /** The inputs contradict each other (e.g. usage priced in another currency than the account's). */
    INPUT_INVALID(true),
    /** An amount must convert and no exchange rate is recorded for its period (billing-rules "Currencies", rule 5). */
    EXCHANGE_RATE_MISSING(true),
    /** An earlier period of the account is unbilled; periods are invoiced in order. */
    WAITING_FOR_EARLIER_PERIOD(true),
    /** Another close of the account committed while this one gathered; gathered again. */
    INPUTS_CHANGED(true),
    /** Anything else (a bug): retried, and visible with its error. */
    INTERNAL_ERROR(true);

    private final boolean retryable;

    FailureCause(boolean retryable) {
        this.retryable = retryable;
    }

    public String code() {
        return name().toLowerCase();
    }

    public boolean retryable() {
        return retryable;
    }

    public static FailureCause of(Throwable failure) {
        if (NeighbourRejected.in(failure) != null) {
            return NEIGHBOUR_REJECTED;
        }
        for (Throwable t = failure; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof CloseFailure c) {
                return c.cause();
            }
            if (t instanceof MissingExchangeRate) {
                return EXCHANGE_RATE_MISSING;
            }
            if (t instanceof NeighbourUnavailable || t instanceof FaultToleranceException) {
                return NEIGHBOUR_UNAVAILABLE;
            }
            if (t instanceof IllegalStateException || t instanceof IllegalArgumentException) {
                return INPUT_INVALID;
            }
        }
        return INTERNAL_ERROR;
    }
}
