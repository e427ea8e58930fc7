package io.accrue.usage.ingest;

import java.math.BigDecimal;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.Instant;

/** Gives a reservation's hold back to the day and month counters it was taken from. */
public final class ReservationCounters {

    private ReservationCounters() {
    }

    public static void release(Connection c, String org, String env, String endUser, long tokens, BigDecimal cost,
            Instant dayStart, Instant monthStart) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(
                """
                        update quota_counters set reserved_tokens = reserved_tokens - ?, reserved_requests = reserved_requests - 1,
                            reserved_cost = reserved_cost - ?
                        where org_id = ? and environment = ? and end_user_id = ?
                          and ((window_kind = 'day' and window_start = ?) or (window_kind = 'month' and window_start = ?))""")) {
            ps.setLong(1, tokens);
            ps.setBigDecimal(2, cost);
            ps.setString(3, org);
            ps.setString(4, env);
            ps.setString(5, endUser);
            ps.setObject(6, java.sql.Timestamp.from(dayStart));
            ps.setObject(7, java.sql.Timestamp.from(monthStart));
            ps.executeUpdate();
        }
    }
}
