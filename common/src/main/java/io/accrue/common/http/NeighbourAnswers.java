package io.accrue.common.http;

import java.util.function.Function;
import java.util.function.Supplier;

import jakarta.ws.rs.WebApplicationException;

/** How a client of a neighbouring service reads an HTTP status it got back. */
public final class NeighbourAnswers {

    private NeighbourAnswers() {
    }

    /**
     * A refusal that asking again will not change: any 4xx except 408 (timeout) and 429 (rate limited). Clients map it
     * to their own rejection, never retry it and never count it toward their circuit breaker.
     */
    public static boolean isPermanentRefusal(int status) {
        return status >= 400 && status < 500 && status != 408 && status != 429;
    }

    /**
     * Runs a REST client call, rethrowing a {@link #isPermanentRefusal permanent refusal} as the client's own
     * rejection (which its fault tolerance skips) and anything else as it came (retried, counted): the body of every
     * client's one guarded method.
     */
    public static <T> T refusalAs(Function<WebApplicationException, ? extends RuntimeException> rejection,
            Supplier<T> call) {
        try {
            return call.get();
        } catch (WebApplicationException e) {
            if (isPermanentRefusal(e.getResponse().getStatus())) {
                throw rejection.apply(e);
            }
            throw e;
        }
    }
}
