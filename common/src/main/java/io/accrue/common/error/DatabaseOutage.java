package io.accrue.common.error;

import java.sql.SQLException;
import java.util.Set;

/**
 * Tells a database outage (no connection, the server shutting down or restarting, a failover) from a bug, so the
 * answer is 503 {@code database_unavailable} with {@code Retry-After} rather than an opaque 500. Looks through the
 * cause chain: Hibernate, Agroal and the JTA layer wrap the driver's exception.
 */
public final class DatabaseOutage {

    public static final int RETRY_AFTER_SECONDS = 5;

    /** 57P01 admin shutdown, 57P02 crash shutdown, 57P03 cannot connect now, 53300 too many connections. */
    private static final Set<String> STATES = Set.of("57P01", "57P02", "57P03", "53300");

    private DatabaseOutage() {
    }

    public static boolean isOutage(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof SQLException sql) {
                String state = sql.getSQLState();
                if (state != null && (state.startsWith("08") || STATES.contains(state))) {
                    return true;
                }
                // Agroal: no connection could be had from the pool in time (the server is not answering)
                String message = String.valueOf(sql.getMessage());
                if (state == null && message.contains("Acquisition timeout")) {
                    return true;
                }
            }
            if (t.getClass().getName().equals("org.hibernate.exception.JDBCConnectionException")) {
                return true;
            }
        }
        return false;
    }

    static String describe(Throwable e) {
        Throwable root = e;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        return root.getClass().getSimpleName() + ": " + root.getMessage();
    }
}
