package io.accrue.common.http;

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
}
