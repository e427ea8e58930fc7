package io.accrue.invoice.client;

import java.util.Optional;
import java.util.function.Supplier;

import jakarta.ws.rs.ProcessingException;
import jakarta.ws.rs.WebApplicationException;

/**
 * How every neighbour client turns a REST client failure into a typed one, inside the fault-tolerance boundary: a
 * 4xx becomes {@link NeighbourRejected} (never retried, never counted by the breaker: asking again cannot change
 * the answer), a 5xx or a transport failure {@link NeighbourUnavailable} (retried and counted).
 */
final class NeighbourCalls {

    private NeighbourCalls() {
    }

    static <T> T call(String neighbour, Supplier<T> call) {
        try {
            return call.get();
        } catch (WebApplicationException e) {
            throw failure(neighbour, e);
        } catch (ProcessingException e) {
            throw new NeighbourUnavailable(neighbour, e);
        }
    }

    /**
     * The answer, or empty when the neighbour says 404: "there is none" is an answer, not an outage. Applied
     * around the guarded call: the 404 came back as a rejection, which the breaker does not count.
     */
    static <T> Optional<T> absentOn404(Supplier<T> guardedCall) {
        try {
            return Optional.ofNullable(guardedCall.get());
        } catch (NeighbourRejected e) {
            if (e.status() == 404) {
                return Optional.empty();
            }
            throw e;
        }
    }

    private static NeighbourUnavailable failure(String neighbour, WebApplicationException e) {
        return NeighbourRejected.isRejection(e)
                ? NeighbourRejected.of(neighbour, e)
                : new NeighbourUnavailable(neighbour, e);
    }
}
