package io.accrue.invoice.client;

/**
 * A neighbour could not give an input the invoice needs. The billing-run item fails and is retried; nothing is
 * guessed in its place (a fallback never invents money).
 */
public class NeighbourUnavailable extends RuntimeException {

    public NeighbourUnavailable(String neighbour, Throwable cause) {
        super(neighbour + " unavailable: " + describe(cause), cause);
    }

    protected NeighbourUnavailable(String neighbour, Throwable cause, String detail) {
        super(neighbour + " " + detail, cause);
    }

    private static String describe(Throwable cause) {
        if (cause instanceof jakarta.ws.rs.WebApplicationException w) {
            return "HTTP " + w.getResponse().getStatus();
        }
        Throwable root = cause;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        return cause.getClass().getSimpleName() + (root == cause ? "" : " (" + root.getClass().getSimpleName() + ")");
    }
}
