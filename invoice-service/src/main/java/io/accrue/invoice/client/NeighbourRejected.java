package io.accrue.invoice.client;

import jakarta.ws.rs.WebApplicationException;

import io.accrue.common.http.NeighbourAnswers;

/**
 * A neighbour answered the request with a 4xx: it understood it and refused it. Asking again cannot change the
 * answer, so it is not retried (nor counted by the circuit breaker); the billing run shows it to operators as a
 * permanent failure with the neighbour's status and code. A subtype of {@link NeighbourUnavailable} so that callers
 * that only need "the input is missing" (the export, reports) keep treating both alike.
 */
public class NeighbourRejected extends NeighbourUnavailable {

    private final int status;
    private final String code;

    private NeighbourRejected(String neighbour, WebApplicationException cause, int status, String code) {
        super(neighbour, cause, "rejected the request: HTTP " + status + codeSuffix(code));
        this.status = status;
        this.code = code;
    }

    public static NeighbourRejected of(String neighbour, WebApplicationException cause) {
        return new NeighbourRejected(neighbour, cause, cause.getResponse().getStatus(), ClientJson.problemCode(cause));
    }

    public int status() {
        return status;
    }

    /** The neighbour's problem code ({@code insufficient_credits}…), or null when its body had none. */
    public String code() {
        return code;
    }

    private static String codeSuffix(String code) {
        return code == null ? "" : " " + code;
    }

    /** The rejection somewhere in a failure's cause chain, or null. */
    public static NeighbourRejected in(Throwable failure) {
        for (Throwable t = failure; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof NeighbourRejected r) {
                return r;
            }
        }
        return null;
    }

    static boolean isRejection(Throwable e) {
        return e instanceof WebApplicationException w
                && NeighbourAnswers.isPermanentRefusal(w.getResponse().getStatus());
    }
}
